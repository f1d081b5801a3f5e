import type { ContentFaultPlan } from "./content-faults.js";
import type { FaultPlan } from "./fault-plan.js";
import type { FileStore } from "./file-store.js";

/** What the request handlers share within one simulator. */
export interface SimulatorState {
  apiKey: string;
  store: FileStore;
  faults: FaultPlan;
  /** Faults for GET /files/:id/content. */
  contentFaults: ContentFaultPlan;
  /** List requests served (GET /openai/v1/files), faulted or not. */
  requests: number;
  /** Timers of delayed responses, cleared when the simulator closes. */
  timers: Set<NodeJS.Timeout>;
}

/** Back to an empty simulator: no files, no faults, no pagination, request count 0. */
export function resetSimulatorState(state: SimulatorState): void {
  state.store.clear();
  state.faults.reset();
  state.contentFaults.clear();
  state.requests = 0;
}
