import type { Db, PrismaClient } from "../prisma.js";

// event_sinks: one row per place events go. Row-level, so the model API throughout.

export type SinkStatus = "active" | "disabled" | "retired";

export interface SinkRegistration {
  sink: string;
  status: SinkStatus;
  /** Why the sink is disabled or retired. */
  reason: string | null;
  registeredAt: Date;
  /** Registered (or re-activated after retirement) by this call. */
  isNew: boolean;
}

/**
 * Records the sinks this process delivers to. From the moment a sink's registration commits,
 * every event written gets a delivery row for it (the trigger on `events` does that); events
 * written earlier are not delivered to it unless an operator redelivers them. A retired sink that
 * is configured again becomes active; a disabled one (410 Gone) stays disabled until redelivered.
 * Replicas registering at once are safe: the insert skips an existing row, the re-activation
 * only matches a retired one.
 */
export async function registerSinks(
  db: Db,
  sinks: readonly string[],
  now: Date,
): Promise<SinkRegistration[]> {
  const registrations: SinkRegistration[] = [];
  for (const sink of new Set(sinks)) {
    const created = await db.eventSink.createMany({
      data: [{ sink, registeredAt: now }],
      skipDuplicates: true,
    });
    const reactivated =
      created.count === 1
        ? { count: 0 }
        : await db.eventSink.updateMany({
            where: { sink, status: "retired" },
            data: { status: "active", reason: null, registeredAt: now, statusChangedAt: now },
          });
    const row = await db.eventSink.findUniqueOrThrow({ where: { sink } });
    registrations.push({
      sink,
      status: row.status as SinkStatus,
      reason: row.reason,
      registeredAt: row.registeredAt,
      isNew: created.count + reactivated.count > 0,
    });
  }
  return registrations;
}

/**
 * Holds a rate-limited sink back until `until`, for every dispatcher replica (the claim skips a
 * paused sink). An earlier pause is never shortened.
 */
export async function pauseSink(db: Db, sink: string, until: Date): Promise<void> {
  await db.eventSink.updateMany({
    where: { sink, OR: [{ pausedUntil: null }, { pausedUntil: { lt: until } }] },
    data: { pausedUntil: until },
  });
}

/**
 * Disables (410 Gone) or retires (operator) a sink and makes its pending deliveries dead with
 * the reason, in one transaction. A disabled sink still gets its later events recorded, as dead,
 * so a redelivery can send them once the receiver is back; a retired sink gets nothing any more.
 * Returns whether the sink exists and how many deliveries became dead.
 */
export async function changeSinkStatus(
  prisma: PrismaClient,
  sink: string,
  status: "disabled" | "retired",
  reason: string,
  now: Date,
): Promise<{ found: boolean; deadDeliveries: number }> {
  return prisma.$transaction(async (tx) => {
    const changed = await tx.eventSink.updateMany({
      where: { sink },
      data: { status, reason, statusChangedAt: now },
    });
    if (changed.count === 0) return { found: false, deadDeliveries: 0 };
    const dead = await tx.eventDelivery.updateMany({
      where: { sink, status: "pending" },
      data: {
        status: "dead",
        lastError: `sink ${status}: ${reason}`,
        lockedBy: null,
        lockedUntil: null,
      },
    });
    return { found: true, deadDeliveries: dead.count };
  });
}

/** Re-enables the named sinks that a 410 Gone disabled; returns those re-enabled. */
export async function reenableDisabledSinks(
  db: Db,
  sinks: readonly string[],
  now: Date,
): Promise<string[]> {
  const disabled = await db.eventSink.findMany({
    where: { status: "disabled", sink: { in: [...sinks] } },
    select: { sink: true },
  });
  const names = disabled.map((s) => s.sink);
  await db.eventSink.updateMany({
    where: { status: "disabled", sink: { in: names } },
    data: { status: "active", reason: null, statusChangedAt: now },
  });
  return names;
}

/** Every registered sink, by name. */
export async function listSinks(
  db: Db,
): Promise<{ sink: string; status: SinkStatus; pausedUntil: Date | null }[]> {
  const rows = await db.eventSink.findMany({
    orderBy: { sink: "asc" },
    select: { sink: true, status: true, pausedUntil: true },
  });
  return rows.map((r) => ({ ...r, status: r.status as SinkStatus }));
}
