import { readDatabaseClock } from "../db/clock.js";
import { pendingMigrations } from "../db/migrate.js";
import type { Db } from "../db/prisma.js";
import { findLatestAppliedRun } from "../db/tables/sync-runs.js";

export interface Readiness {
  ready: boolean;
  checks: {
    database: { ok: boolean; error?: string };
    migrations: { ok: boolean; pending?: string[] };
    lastSuccessfulSync: {
      ok: boolean;
      at: string | null;
      ageSeconds: number | null;
      staleAfterSeconds: number;
    };
  };
}

/**
 * Ready when the database answers, every migration is applied, and the last successful (or
 * guarded) sync is younger than SYNC_STALE_AFTER. Each check is bounded by `timeoutMs`.
 */
export async function checkReadiness(
  db: Db,
  staleAfterMs: number,
  timeoutMs = 3_000,
): Promise<Readiness> {
  const staleAfterSeconds = staleAfterMs / 1000;
  const notReady = (error: string): Readiness => ({
    ready: false,
    checks: {
      database: { ok: false, error },
      migrations: { ok: false },
      lastSuccessfulSync: { ok: false, at: null, ageSeconds: null, staleAfterSeconds },
    },
  });
  try {
    return await withTimeout(timeoutMs, async () => {
      const [pending, latest, now] = await Promise.all([
        pendingMigrations(db),
        findLatestAppliedRun(db),
        readDatabaseClock(db),
      ]);
      const at = latest?.startedAt ?? null;
      // The age by the database's clock, as the runs' start times are.
      const age = at === null ? null : (now.getTime() - at.getTime()) / 1000;
      const fresh = age !== null && age <= staleAfterSeconds;
      return {
        ready: pending.length === 0 && fresh,
        checks: {
          database: { ok: true },
          migrations: { ok: pending.length === 0, ...(pending.length > 0 ? { pending } : {}) },
          lastSuccessfulSync: {
            ok: fresh,
            at: at?.toISOString() ?? null,
            ageSeconds: age === null ? null : Math.round(age),
            staleAfterSeconds,
          },
        },
      };
    });
  } catch (error) {
    return notReady((error as Error).message);
  }
}

async function withTimeout<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the database within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
