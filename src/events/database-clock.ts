import type { Queryable } from "./queryable.js";

export interface DatabaseClock {
  /** The database's time, read as this process's clock plus the last measured offset. */
  now(): Date;
  /** Measures the offset again (one `SELECT clock_timestamp()`). */
  refresh(): Promise<void>;
}

/**
 * The dispatcher's default clock. Delivery rows become due at the database's time of the event's
 * commit (`next_attempt_at` defaults to it), so a dispatcher that compared them with its own
 * clock would hold every new event back by as much as that clock is behind. Following the
 * database's clock keeps every due, lease and pause time on one clock.
 */
export function makeDatabaseClock(db: Queryable): DatabaseClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    async refresh() {
      const before = Date.now();
      const { rows } = await db.query<{ now: Date }>("SELECT clock_timestamp() AS now");
      const after = Date.now();
      offsetMs = rows[0]!.now.getTime() - (before + after) / 2;
    },
  };
}
