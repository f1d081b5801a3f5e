/** The knobs of one sync run, from configuration. */
export interface SyncSettings {
  /** Consecutive complete listings without a file before it is marked disappeared. */
  disappearanceConfirmations: number;
  /** The guard trips when more than max(min, ratio × active files) would disappear at once. */
  massDisappearanceMin: number;
  massDisappearanceRatio: number;
  /** Runs a guarded set of files must stay missing before the disappearance is accepted. */
  guardConfirmations: number;
  /** Emit one file.created per file on the first run instead of one sync.bootstrapped. */
  emitCreatedOnBootstrap: boolean;
}

export type SyncTrigger = "cron" | "manual" | "startup" | "catch-up";
