#!/usr/bin/env node
// Entry point of the package `bin`. The TypeScript sources are compiled to dist/ by `npm install`
// (the `prepare` script) and by `npm run build`.
import { runCli } from "../dist/cli/main.js";

process.exitCode = await runCli(process.argv);
