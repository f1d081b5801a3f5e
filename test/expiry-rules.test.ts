import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDuration } from "../src/config/duration.js";
import { formatWindow } from "../src/expiry/format-window.js";
import { scanExpiries } from "../src/expiry/scan-expiries.js";
import { silentLogger } from "../src/logging/logger.js";
import {
  decideDueExpiryEvents,
  type EmittedExpiryEvents,
  type ExpiryFileFacts,
} from "./helpers/expiry-rules.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-database.js";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const base = new Date("2030-01-01T00:00:00.000Z").getTime();
const lookback = 2 * day;
const none: EmittedExpiryEvents = { warnedWindowsMs: [], expired: false };

describe("decideDueExpiryEvents", () => {
  const expiresAt = new Date(base);
  const file: ExpiryFileFacts = {
    expiresAt,
    firstSeenAt: new Date(base - 3 * day),
    status: "active",
  };
  const decide = (offsetMs: number, emitted = none, f = file) =>
    decideDueExpiryEvents({
      now: new Date(base + offsetMs),
      file: f,
      windowsMs: [day, hour],
      emitted,
      expiredLookbackMs: lookback,
    });

  it("picks the tightest window that applies, and nothing outside every window", () => {
    expect(decide(-25 * hour)).toEqual({ warningWindowMs: undefined, expired: false });
    expect(decide(-day)).toEqual({ warningWindowMs: day, expired: false });
    expect(decide(-30 * minute)).toEqual({ warningWindowMs: hour, expired: false });
  });

  it("gives no warning once that window or a tighter one was warned about for this value", () => {
    expect(decide(-2 * hour, { warnedWindowsMs: [day], expired: false }).warningWindowMs).toBe(
      undefined,
    );
    expect(decide(-2 * hour, { warnedWindowsMs: [hour], expired: false }).warningWindowMs).toBe(
      undefined,
    );
    expect(decide(-hour, { warnedWindowsMs: [day], expired: false }).warningWindowMs).toBe(hour);
  });

  it("is due an expiry at expires_at, once, unless it predates first sight or the lookback", () => {
    expect(decide(0)).toEqual({ warningWindowMs: undefined, expired: true });
    expect(decide(minute, { warnedWindowsMs: [], expired: true }).expired).toBe(false);
    expect(decide(minute, none, { ...file, firstSeenAt: new Date(base + 1) }).expired).toBe(false);
    expect(decide(lookback + 1, none).expired).toBe(false);
    expect(decide(minute, none, { ...file, status: "disappeared" }).expired).toBe(true);
    expect(decide(-minute, none, { ...file, status: "disappeared" }).warningWindowMs).toBe(
      undefined,
    );
    expect(decide(0, none, { ...file, expiresAt: null })).toEqual({
      warningWindowMs: undefined,
      expired: false,
    });
  });
});

describe("formatWindow", () => {
  it("names windows as EXPIRY_WARNING_WINDOWS spells them, in a form parseDuration reads back", () => {
    for (const [ms, text] of [
      [day, "24h"],
      [hour, "1h"],
      [90 * minute, "1h30m"],
      [15 * minute, "15m"],
      [1_500, "1s500ms"],
      [7 * day, "168h"],
    ] as const) {
      expect(formatWindow(ms)).toBe(text);
      expect(parseDuration(text)).toBe(ms);
    }
  });
});

const windowSets = [[day, hour], [day, 2 * hour], [hour], [day, hour, 15 * minute], []];
type Step =
  | { kind: "scan"; atMinutes: number; windows: number }
  | { kind: "move"; file: number; toMinutes: number | null };

const fileArb = fc.record({
  expiresMinutes: fc.option(fc.integer({ min: -4 * 1440, max: 4 * 1440 }), { freq: 6 }),
  firstSeenMinutes: fc.integer({ min: -6 * 1440, max: 2 * 1440 }),
  disappeared: fc.boolean(),
});
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("scan" as const),
      atMinutes: fc.integer({ min: -3 * 1440, max: 5 * 1440 }),
      windows: fc.nat(windowSets.length - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("move" as const),
      file: fc.nat(11),
      toMinutes: fc.option(fc.integer({ min: -2 * 1440, max: 4 * 1440 })),
    }),
  },
);

describe("the expiry scan's SQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });

  it("emits exactly what the pure rules decide, for random files, clocks, windows and moved expiries", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fileArb, { minLength: 1, maxLength: 12 }),
        fc.array(stepArb, { minLength: 1, maxLength: 12 }),
        async (files, unsortedSteps) => {
          await db.query("TRUNCATE files, events CASCADE");
          const facts = files.map((f, i) => ({
            id: `file-${i}`,
            expiresAt:
              f.expiresMinutes === null ? null : new Date(base + f.expiresMinutes * minute),
            firstSeenAt: new Date(base + f.firstSeenMinutes * minute),
            status: f.disappeared ? ("disappeared" as const) : ("active" as const),
          }));
          await db.query(
            `INSERT INTO files (id, object, filename, bytes, purpose, created_at, expires_at, metadata,
                                status, first_seen_at, last_changed_at, last_seen_at)
             SELECT r.id, 'file', r.id, 1, 'batch_output', r.first_seen_at, r.expires_at, '{}',
                    r.status, r.first_seen_at, r.first_seen_at, r.first_seen_at
             FROM jsonb_to_recordset($1::jsonb)
               AS r(id text, expires_at timestamptz, first_seen_at timestamptz, status text)`,
            [
              JSON.stringify(
                facts.map((f) => ({
                  id: f.id,
                  expires_at: f.expiresAt,
                  first_seen_at: f.firstSeenAt,
                  status: f.status,
                })),
              ),
            ],
          );
          // The clock only moves forward; moves happen between scans.
          const scanTimes = unsortedSteps
            .filter((s) => s.kind === "scan")
            .map((s) => s.atMinutes)
            .sort((a, b) => a - b);
          let nextScan = 0;
          const emitted = new Map<string, { warned: number[]; expired: boolean }>();
          const emittedFor = (id: string, expiresAt: Date) => {
            const key = `${id}:${expiresAt.getTime()}`;
            if (!emitted.has(key)) emitted.set(key, { warned: [], expired: false });
            return emitted.get(key)!;
          };
          for (const step of unsortedSteps) {
            if (step.kind === "move") {
              const fact = facts[step.file % facts.length]!;
              fact.expiresAt =
                step.toMinutes === null ? null : new Date(base + step.toMinutes * minute);
              await db.query("UPDATE files SET expires_at = $2 WHERE id = $1", [
                fact.id,
                fact.expiresAt,
              ]);
              continue;
            }
            const now = new Date(base + scanTimes[nextScan++]! * minute);
            const windowsMs = windowSets[step.windows]!;
            const expected: string[] = [];
            for (const fact of facts) {
              if (fact.expiresAt === null) continue;
              const state = emittedFor(fact.id, fact.expiresAt);
              const due = decideDueExpiryEvents({
                now,
                file: fact,
                windowsMs,
                emitted: { warnedWindowsMs: state.warned, expired: state.expired },
                expiredLookbackMs: lookback,
              });
              if (due.warningWindowMs !== undefined) {
                state.warned.push(due.warningWindowMs);
                expected.push(`${fact.id} expiring ${formatWindow(due.warningWindowMs)}`);
              }
              if (due.expired) {
                state.expired = true;
                expected.push(`${fact.id} expired`);
              }
            }
            const before = Number(
              (await db.query("SELECT coalesce(max(seq), 0) AS s FROM events"))[0]!.s,
            );
            const result = await scanExpiries({
              db: db.prisma,
              windowsMs,
              logger: silentLogger,
              now,
              expiredLookbackMs: lookback,
            });
            const written = await db.query<{
              type: string;
              file_id: string;
              window: string | null;
            }>("SELECT type, file_id, data->>'window' AS window FROM events WHERE seq > $1", [
              before,
            ]);
            const actual = written.map((e) =>
              e.type === "file.expiring"
                ? `${e.file_id} expiring ${e.window}`
                : `${e.file_id} expired`,
            );
            expect(actual.sort()).toEqual(expected.sort());
            expect(result.warnings + result.expired).toBe(expected.length);
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});
