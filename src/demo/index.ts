// The demo command's building blocks: `npx novita-file-sync demo` (see src/cli/commands/demo.ts).
export { demoEventTypes } from "./demo-event-types.js";
export type { DemoResult } from "./demo-summary.js";
export { demoSpeedRange, demoTiming } from "./demo-timing.js";
export { type DemoOptions, runDemo } from "./run-demo.js";
