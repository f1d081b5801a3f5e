/** What one run did, as sync_runs records it. */
export interface RunCounts {
  filesSeen: number;
  created: number;
  updated: number;
  disappeared: number;
  reappeared: number;
  invalid: number;
  guarded: number;
}

export const emptyCounts: RunCounts = {
  filesSeen: 0,
  created: 0,
  updated: 0,
  disappeared: 0,
  reappeared: 0,
  invalid: 0,
  guarded: 0,
};
