// The Prisma path for staging a listing, for the benchmark only: the same staging table as
// src/db/stage-listing.ts (sync_listing, under a run id), filled by one tagged $executeRaw of
// unnested arrays. bench/run.ts prints it beside the pg COPY the sync uses.
import type { PrismaClient } from "../src/db/prisma.js";
import type { NovitaFile } from "../src/novita/index.js";

export async function stageListingThroughPrisma(
  prisma: PrismaClient,
  runId: number,
  files: readonly NovitaFile[],
): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO sync_listing (run_id, position, id, object, filename, bytes, purpose,
                              created_at_unix, expires_at_unix, total_requests, metadata, page, item)
    SELECT ${runId}::int, p, id, object, filename, bytes, purpose, created_at, expires_at,
           total_requests, metadata, page, item
      FROM unnest(
      ${files.map((f) => f.id)}::text[], ${files.map((f) => f.object)}::text[],
      ${files.map((f) => f.filename)}::text[], ${files.map((f) => f.bytes)}::bigint[],
      ${files.map((f) => f.purpose)}::text[], ${files.map((f) => f.createdAt.getTime() / 1000)}::bigint[],
      ${files.map((f) => (f.expiresAt === null ? null : f.expiresAt.getTime() / 1000))}::bigint[],
      ${files.map((f) => f.totalRequests)}::integer[],
      ${files.map((f) => JSON.stringify(f.metadata))}::jsonb[],
      ${files.map((f) => f.page)}::integer[], ${files.map((f) => f.index)}::integer[])
      WITH ORDINALITY AS t(id, object, filename, bytes, purpose, created_at, expires_at,
                           total_requests, metadata, page, item, p)`;
}
