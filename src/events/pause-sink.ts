import type { Queryable } from "./queryable.js";

/**
 * Holds a rate-limited sink back until `until`, for every dispatcher replica (the claim skips a
 * paused sink). An earlier pause is never shortened.
 */
export async function pauseSink(db: Queryable, sink: string, until: Date): Promise<void> {
  await db.query(
    `UPDATE event_sinks SET paused_until = greatest(coalesce(paused_until, $2), $2) WHERE sink = $1`,
    [sink, until],
  );
}
