import { z } from "zod";

/**
 * What can go wrong with a content download (GET /openai/v1/files/:id/content). Queued apart
 * from the list faults, so a test can break downloads while listings stay healthy. Each may carry
 * `delayMs` (wait first) and `fileId` (only downloads of that file take it).
 */
export const contentFaultSchema = z
  .discriminatedUnion("kind", [
    /** Any status with a JSON error body; Retry-After in seconds. */
    z.object({
      kind: z.literal("status"),
      status: z.number().int().min(100).max(599),
      retryAfter: z.number().min(0).optional(),
    }),
    /** Socket destroyed before any response. */
    z.object({ kind: z.literal("reset") }),
    /** The full Content-Length promised, half the body sent, then the socket destroyed. */
    z.object({ kind: z.literal("cut") }),
    /** A complete response `by` bytes shorter than the listed `bytes` (default half). */
    z.object({ kind: z.literal("short"), by: z.number().int().min(1).optional() }),
    /** A complete response `by` bytes longer than the listed `bytes` (default 100). */
    z.object({ kind: z.literal("long"), by: z.number().int().min(1).optional() }),
    /** The file is deleted from the account half-way through; the body stops there. */
    z.object({ kind: z.literal("delete-mid-body") }),
    /** Half the body, then nothing more (the connection stays open): a download to kill. */
    z.object({ kind: z.literal("stall") }),
  ])
  .and(z.object({ delayMs: z.number().int().min(0).optional(), fileId: z.string().optional() }));

export type ContentFault = z.infer<typeof contentFaultSchema>;

/**
 * Content faults in the order queued. A download takes the first fault meant for its file (or
 * for any file) and uses up one of its `times`.
 */
export class ContentFaultPlan {
  #queue: { fault: ContentFault; remaining: number }[] = [];

  /** Queues `fault` for the next `times` matching downloads (default 1). */
  add(fault: ContentFault, times = 1): this {
    this.#queue.push({ fault: contentFaultSchema.parse(fault), remaining: times });
    return this;
  }

  /** The fault for a download of `fileId`, if any, using up one of its times. */
  take(fileId: string): ContentFault | null {
    const index = this.#queue.findIndex(
      (q) => q.fault.fileId === undefined || q.fault.fileId === fileId,
    );
    const queued = this.#queue[index];
    if (queued === undefined) return null;
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.#queue.splice(index, 1);
    return queued.fault;
  }

  clear(): void {
    this.#queue = [];
  }
}
