import type { SyncSettings } from "./sync-settings.js";

export interface MissingCounts {
  /** Active files before this run. */
  activeFiles: number;
  /** Missing files that reached DISAPPEARANCE_CONFIRMATIONS: they would disappear now. */
  candidates: number;
  /** Of those, the ones missing for GUARD_CONFIRMATIONS runs or more. */
  confirmedPastGuard: number;
}

export interface DisappearancePlan {
  /** A missing file disappears in this run when its consecutive misses reach this number. */
  acceptFromMisses: number;
  /** How many candidates the guard holds back (0 when it did not trip). */
  held: number;
  guarded: boolean;
  threshold: number;
}

/**
 * The mass-disappearance guard. When more files would disappear at once than
 * max(MASS_DISAPPEARANCE_MIN, MASS_DISAPPEARANCE_RATIO × active files), only those that have
 * already stayed missing for GUARD_CONFIRMATIONS runs disappear; the rest are held back and the
 * run is `guarded`. `--force` accepts every candidate at once.
 */
export function planDisappearances(
  counts: MissingCounts,
  settings: SyncSettings,
  force: boolean,
): DisappearancePlan {
  const threshold = Math.max(
    settings.massDisappearanceMin,
    Math.floor(settings.massDisappearanceRatio * counts.activeFiles),
  );
  const acceptAll = {
    acceptFromMisses: settings.disappearanceConfirmations,
    held: 0,
    guarded: false,
    threshold,
  };
  if (force || counts.candidates <= threshold) return acceptAll;
  const held = counts.candidates - counts.confirmedPastGuard;
  if (held === 0) return acceptAll;
  return {
    acceptFromMisses: Math.max(settings.disappearanceConfirmations, settings.guardConfirmations),
    held,
    guarded: true,
    threshold,
  };
}
