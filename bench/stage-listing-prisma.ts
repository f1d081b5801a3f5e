// The Prisma path for staging a listing, for the benchmark only: the same temporary tables as
// src/sync/stage-listing.ts, filled by one tagged $executeRaw of unnested arrays inside
// prisma.$transaction. bench/run.ts prints it beside the pg COPY the sync uses.
import type { PrismaClient } from "../src/db/prisma.js";
import type { NovitaFile } from "../src/novita/index.js";

export async function stageListingThroughPrisma(
  prisma: PrismaClient,
  files: readonly NovitaFile[],
  invalidIds: readonly string[],
): Promise<void> {
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`
        CREATE TEMP TABLE listing (
          id text NOT NULL, object text NOT NULL, filename text NOT NULL, bytes bigint NOT NULL,
          purpose text NOT NULL, created_at timestamptz NOT NULL, expires_at timestamptz,
          total_requests integer, metadata jsonb NOT NULL
        ) ON COMMIT DROP`;
      await tx.$executeRaw`CREATE TEMP TABLE seen_invalid (id text NOT NULL) ON COMMIT DROP`;
      await tx.$executeRaw`
        INSERT INTO listing
        SELECT * FROM unnest(
          ${files.map((f) => f.id)}::text[], ${files.map((f) => f.object)}::text[],
          ${files.map((f) => f.filename)}::text[], ${files.map((f) => f.bytes)}::bigint[],
          ${files.map((f) => f.purpose)}::text[], ${files.map((f) => f.createdAt)}::timestamptz[],
          ${files.map((f) => f.expiresAt)}::timestamptz[],
          ${files.map((f) => f.totalRequests)}::integer[],
          ${files.map((f) => JSON.stringify(f.metadata))}::jsonb[])`;
      if (invalidIds.length > 0) {
        await tx.$executeRaw`INSERT INTO seen_invalid SELECT unnest(${[...invalidIds]}::text[])`;
      }
    },
    { timeout: 300_000 },
  );
}
