export { FaultPlan } from "./fault-plan.js";
export { type Fault, type FaultTimes, faultSchema } from "./fault-schema.js";
export { FileStore, FileStoreError } from "./file-store.js";
export { generateFiles } from "./generate-files.js";
export { invalidItemReadableIds, invalidItems } from "./invalid-items.js";
export type { SimFile } from "./sim-file.js";
export { type Simulator, type SimulatorOptions, startSimulator } from "./simulator-server.js";
