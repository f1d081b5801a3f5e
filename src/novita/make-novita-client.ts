import { ConfigError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import { type Sleep, sleep } from "../time/sleep.js";
import { downloadFileContent, type FileContent } from "./download-file-content.js";
import { type FileListing, type ListingSummary, listFiles, streamFiles } from "./list-files.js";
import type { ListingSink } from "./listing-sink.js";
import { redactSecret } from "./redact-secret.js";

export interface NovitaClientOptions {
  /** API root, e.g. https://api.novita.ai/openai/v1 (a trailing slash is ignored). */
  baseUrl: string;
  /** Sent only as `Authorization: Bearer …`; never logged, never in URLs or errors. */
  apiKey: string;
  /** Longest wait for the API: for a response, then for each next piece of its body. Default 30 000. */
  timeoutMs?: number;
  /** Limit for a whole listing: all pages, retries and waits. Default 300 000. */
  deadlineMs?: number;
  /** Retries per request after the first attempt (p-retry `retries`). Default 5. */
  retries?: number;
  /** Largest response body accepted (a guard against runaway answers). Default 4 GiB. */
  maxResponseBytes?: number;
  /** Most pages followed before failing with `pagination`. Default 1000. */
  maxPages?: number;
  logger: Logger;
  /** ms clock, for Retry-After HTTP dates. Default Date.now. */
  now?: () => number;
  /** Called after every HTTP request, for metrics. status is the HTTP status or "error". */
  onRequest?: (info: { status: number | "error"; durationMs: number }) => void;
  /** Waits between retries; the real timer by default. Tests inject one that shortens backoff. */
  sleep?: Sleep;
  /** Cap for Retry-After, default 60_000. */
  maxRetryAfterMs?: number;
  /** Caller abort (shutdown): the listing fails with `aborted`. */
  signal?: AbortSignal;
}

export interface NovitaClient {
  /** The complete file list in memory, or a thrown NovitaError; never a partial list. */
  listFiles(): Promise<FileListing>;
  /**
   * Streams the complete file list into `sink` as it downloads (memory does not grow with the
   * account); resolves once every page was delivered whole, or throws a NovitaError.
   */
  streamFiles(sink: ListingSink): Promise<ListingSummary>;
  /** Streams one file's content to `consume`, retried as a list page is (download-file-content.ts). */
  downloadFileContent<T>(fileId: string, consume: (content: FileContent) => Promise<T>): Promise<T>;
}

export const novitaClientDefaults = {
  timeoutMs: 30_000,
  deadlineMs: 300_000,
  retries: 5,
  maxResponseBytes: 4 * 1024 * 1024 * 1024,
  maxPages: 1000,
  maxRetryAfterMs: 60_000,
} as const;

/** A client for Novita's file list (`GET {baseUrl}/files`). */
export function makeNovitaClient(options: NovitaClientOptions): NovitaClient {
  const apiKey = options.apiKey;
  if (apiKey === "" || !/^[\x21-\x7e]+$/.test(apiKey)) {
    // The value is deliberately not echoed.
    throw new ConfigError(
      "NOVITA_API_KEY is empty or contains spaces or control characters; set it to your Novita API key",
    );
  }
  const problems = optionProblems(options);
  if (problems.length > 0) {
    throw new ConfigError(`Invalid Novita client settings:\n  - ${problems.join("\n  - ")}`);
  }
  const resolved = {
    ...novitaClientDefaults,
    ...withoutUndefined(options),
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    now: options.now ?? Date.now,
    sleep: options.sleep ?? sleep,
    redact: (text: string) => redactSecret(text, apiKey),
  };
  return {
    listFiles: () =>
      listFiles({ ...resolved, deadlineAt: performance.now() + resolved.deadlineMs }),
    streamFiles: (sink) =>
      streamFiles({ ...resolved, deadlineAt: performance.now() + resolved.deadlineMs }, sink),
    downloadFileContent: (fileId, consume) => downloadFileContent(resolved, fileId, consume),
  };
}

function optionProblems(options: NovitaClientOptions): string[] {
  const problems: string[] = [];
  if (!/^https?:$/.test(urlProtocol(options.baseUrl))) {
    problems.push(
      "NOVITA_BASE_URL: expects an http(s) URL such as https://api.novita.ai/openai/v1",
    );
  }
  const wholeNumbers: Array<[string, number | undefined, number]> = [
    ["NOVITA_TIMEOUT_MS", options.timeoutMs, 1],
    ["NOVITA_DEADLINE_MS", options.deadlineMs, 1],
    ["NOVITA_RETRIES", options.retries, 0],
    ["NOVITA_MAX_RESPONSE_BYTES", options.maxResponseBytes, 1],
    ["NOVITA_MAX_PAGES", options.maxPages, 1],
  ];
  for (const [name, value, min] of wholeNumbers) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= min)) {
      problems.push(`${name}: expects a whole number of at least ${min}`);
    }
  }
  return problems;
}

function urlProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return "";
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
