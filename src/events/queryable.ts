import type pg from "pg";

/** Anything that runs a parameterised statement: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, "query">;
