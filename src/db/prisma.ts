import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { type Prisma, PrismaClient } from "../generated/prisma/client.js";

export type { PrismaClient } from "../generated/prisma/client.js";
export { Prisma } from "../generated/prisma/client.js";

/**
 * The one database interface outside src/db/: the Prisma client, or the client Prisma hands to
 * an interactive transaction (`prisma.$transaction(async (tx) => ...)`), which is the same API
 * without `$transaction`. Functions that must open a transaction of their own take PrismaClient.
 */
export type Db = Prisma.TransactionClient;

/** A Prisma client that runs its queries on the pool we own (we also close it). */
export function makePrisma(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

/**
 * A bigint column as the rest of the code carries it: a number, or a string beyond
 * Number.MAX_SAFE_INTEGER (Prisma returns int8 as bigint; JSON cannot carry those).
 */
export function bigintValue(value: bigint | number): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}
