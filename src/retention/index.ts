export { formatPruneResult, pruneResultJson } from "./format-prune-result.js";
export { makeScheduledPrune } from "./make-scheduled-prune.js";
export { checkEventRetention, minimumEventRetentionMs } from "./minimum-event-retention.js";
export { type PruneOptions, type PruneResult, pruneOnce } from "./prune-once.js";
