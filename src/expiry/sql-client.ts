import type pg from "pg";

/**
 * What the expiry scan needs from the database: a pg.Pool, or a pg.PoolClient inside the caller's
 * own transaction.
 */
export interface SqlClient {
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<Row>>;
}
