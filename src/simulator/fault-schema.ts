import { z } from "zod";

const positive = z.number().int().min(1);

/**
 * What can go wrong with a list request (GET /openai/v1/files). Every fault may also carry
 * `delayMs`: wait that long first (to exceed a client's timeout), then misbehave.
 */
export const faultSchema = z
  .discriminatedUnion("kind", [
    /** Any status with a JSON error body; Retry-After as seconds (number) or raw text (HTTP date). */
    z.object({
      kind: z.literal("status"),
      status: z.number().int().min(100).max(599),
      retryAfter: z.union([z.number().min(0), z.string()]).optional(),
      body: z.unknown().optional(),
    }),
    /** Only the delay, then a normal answer. */
    z.object({ kind: z.literal("delay") }),
    /** HTTP 200 whose body is not valid JSON. */
    z.object({ kind: z.literal("malformed-json") }),
    /** An HTML error page (default HTTP 200, as some proxies do). */
    z.object({ kind: z.literal("html"), status: z.number().int().min(100).max(599).optional() }),
    /** Content-Length of the whole body, then the socket is destroyed after `fraction` (0.5) of it. */
    z.object({ kind: z.literal("truncated"), fraction: z.number().gt(0).lt(1).optional() }),
    /** Chunked body, socket destroyed after `fraction` (0.5) of it. */
    z.object({ kind: z.literal("close-mid-body"), fraction: z.number().gt(0).lt(1).optional() }),
    /** Socket destroyed before any response (a network error for the client). */
    z.object({ kind: z.literal("reset") }),
    /**
     * HTTP 200 with an error `code` in the body: before an empty data array, or with
     * `afterData` after the whole normal list (a streaming reader meets it last).
     */
    z.object({
      kind: z.literal("error-code"),
      code: z.union([z.string(), z.number()]),
      message: z.string().optional(),
      afterData: z.boolean().optional(),
    }),
    /** A successful, empty list. */
    z.object({ kind: z.literal("empty") }),
    /** HTTP 200 with `{code, message}` but no `data`. */
    z.object({ kind: z.literal("no-data") }),
    /** The normal list with invalid items mixed in (see invalid-items.ts). */
    z.object({ kind: z.literal("invalid-items") }),
    /** Every other file left out, in an answer that looks complete. */
    z.object({ kind: z.literal("missing-half") }),
    /** The first page again, with has_more and the same last_id, whatever `after` says. */
    z.object({ kind: z.literal("repeated-cursor"), pageSize: positive.optional() }),
    /** The normal body, chunked (no Content-Length). */
    z.object({ kind: z.literal("chunked") }),
    /** Exactly this body. */
    z.object({
      kind: z.literal("raw"),
      status: z.number().int().min(100).max(599).optional(),
      body: z.string(),
      contentType: z.string().optional(),
    }),
  ])
  .and(z.object({ delayMs: z.number().int().min(0).optional() }));

export type Fault = z.infer<typeof faultSchema>;

/** How many list requests a fault applies to: a count, or "always" until cleared. */
export const timesSchema = z.union([positive, z.literal("always")]);
export type FaultTimes = z.infer<typeof timesSchema>;
