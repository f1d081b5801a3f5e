// Runs the CLI from the TypeScript sources, exactly as bin/novita-file-sync.js runs the build.
import { runCli } from "../../src/cli/main.js";

process.exitCode = await runCli(process.argv);
