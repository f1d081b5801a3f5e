// One measurement in a fresh process (so its peak RSS is its own): prints one JSON line.
//   measure.ts floor|sync|naive <databaseUrl> <simulatorBaseUrl> <apiKey>
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { makePrisma } from "../src/db/prisma.js";
import { copyListing } from "../src/db/stage-listing.js";
import { silentLogger } from "../src/logging/logger.js";
import { makeNovitaClient } from "../src/novita/index.js";
import { benchPool, benchSync } from "./bench-database.js";
import { peakRssMb } from "./peak-rss.js";
import { stageListingThroughPrisma } from "./stage-listing-prisma.js";

const [mode, databaseUrl, baseUrl, apiKey] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const pool = benchPool(databaseUrl, 2);
await pool.query("SELECT 1"); // connection set-up is not part of any figure
const client = makeNovitaClient({ baseUrl, apiKey, logger: silentLogger, retries: 0 });
const started = performance.now();
let detail: Record<string, unknown> = {};

if (mode === "floor" || mode === "floor-unnest") {
  // The floor: one fetch, JSON.parse, one set-based load into an unindexed temporary table, with
  // COPY (as the sync stages its listing) or, for reference, an insert of unnested arrays.
  const response = await fetch(`${baseUrl}/files`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const body = JSON.parse(await response.text()) as { data: Record<string, unknown>[] };
  const c = await pool.connect();
  await c.query("BEGIN");
  await c.query(
    "CREATE TEMP TABLE floor (id text, object text, filename text, bytes bigint, purpose text, created_at bigint, expires_at bigint, metadata jsonb) ON COMMIT DROP",
  );
  const columns = ["id", "object", "filename", "bytes", "purpose", "created_at", "expires_at"];
  if (mode === "floor") {
    const text = body.data
      .map((f) =>
        [
          ...columns.map((c) => (f[c] == null ? "\\N" : copyField(String(f[c])))),
          copyField(JSON.stringify(f.metadata ?? {})),
        ].join("\t"),
      )
      .join("\n");
    await pipeline(Readable.from([`${text}\n`]), c.query(copyFrom("COPY floor FROM STDIN")));
  } else {
    await c.query(
      "INSERT INTO floor SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[], $8::jsonb[])",
      [
        ...columns.map((name) => body.data.map((f) => f[name] ?? null)),
        body.data.map((f) => JSON.stringify(f.metadata ?? {})),
      ],
    );
  }
  await c.query("COMMIT");
  c.release();
  detail = { files: body.data.length };
} else if (mode === "sync") {
  // Prisma's first query compiles its query engine (about 1 s on a loaded 2-core machine): a
  // worker pays it once at start, like the pool's first connection, so it is outside the figure.
  const prisma = makePrisma(pool);
  await prisma.$queryRaw`SELECT 1`;
  const syncStarted = performance.now();
  const outcome = await benchSync({ pool, prisma }, client);
  await prisma.$disconnect();
  if (outcome.status !== "succeeded") throw outcome.error ?? new Error(outcome.status);
  detail = { ...outcome.counts, syncMs: performance.now() - syncStarted };
} else if (mode === "stage-copy" || mode === "stage-prisma") {
  // Staging alone (the listing is fetched and parsed first, outside the figure): the pg COPY the
  // sync uses (src/db/stage-listing.ts) against the same rows through Prisma's tagged
  // $executeRaw (unnested arrays), into the staging table under an unused run id, deleted after.
  const listing = await client.listFiles();
  const benchRunId = -1;
  // Prisma's first query loads its query compiler: warmed up here, outside the figure.
  const prisma = makePrisma(pool);
  await prisma.$queryRaw`SELECT 1`;
  const stagingStarted = performance.now();
  if (mode === "stage-copy") {
    const c = await pool.connect();
    await copyListing(c, benchRunId, listing.files);
    c.release();
  } else {
    await stageListingThroughPrisma(prisma, benchRunId, listing.files);
  }
  detail = { files: listing.files.length, stagingMs: performance.now() - stagingStarted };
  await pool.query("DELETE FROM sync_listing WHERE run_id = $1", [benchRunId]);
  await prisma.$disconnect();
} else if (mode === "naive") {
  // The naive baseline: one Prisma upsert per file.
  const prisma = makePrisma(pool);
  const listing = await client.listFiles();
  const now = new Date();
  for (const f of listing.files) {
    const state = {
      object: f.object,
      filename: f.filename,
      bytes: BigInt(f.bytes),
      purpose: f.purpose,
      createdAt: f.createdAt,
      expiresAt: f.expiresAt,
      totalRequests: f.totalRequests,
      metadata: f.metadata as object,
    };
    await prisma.file.upsert({
      where: { id: f.id },
      create: { id: f.id, ...state, firstSeenAt: now, lastChangedAt: now, lastSeenAt: now },
      update: state,
    });
  }
  detail = { files: listing.files.length };
  await prisma.$disconnect();
} else {
  throw new Error(`unknown mode ${mode}`);
}

const wallMs = performance.now() - started;
await pool.end();
process.stdout.write(`${JSON.stringify({ mode, wallMs, peakRssMb: peakRssMb(), ...detail })}\n`);

function copyField(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(
        /[\\\t\n\r]/g,
        (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!,
      )
    : value;
}
