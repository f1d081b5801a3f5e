import type { Db } from "./prisma.js";

/** The database's clock (`clock_timestamp()`: the moment of the call, even inside a transaction). */
export async function readDatabaseClock(db: Db): Promise<Date> {
  const [row] = await db.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
  return row!.now;
}
