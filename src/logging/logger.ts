import { createRequire } from "node:module";
import pino, { type Logger } from "pino";
import { scrubSecrets } from "./scrub-secrets.js";

export type { Logger } from "pino";

/** Paths that may hold a secret in any object we log; pino replaces them with "[redacted]". */
const redactPaths = [
  "apiKey",
  "*.apiKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "password",
  "*.password",
  "secret",
  "*.secret",
  "webhookSecret",
  "*.webhookSecret",
];

export type LogFormat = "json" | "pretty";

export interface LoggerOptions {
  level?: string;
  /** Pretty, human-readable lines instead of JSON. Defaults to whether stderr is a TTY. */
  pretty?: boolean;
  /** Known secret values: any log line containing one has it replaced before it is written. */
  secrets?: readonly string[];
  /** Where lines go (tests capture them); defaults to stderr, so stdout holds command output. */
  destination?: pino.DestinationStream;
}

/**
 * The process logger: JSON lines on stderr by default, pretty on a terminal. Known secret values
 * are scrubbed from every line as a last line of defence, on top of the redacted paths. Stacks
 * are written only at `debug` and `trace`: an operator reads the message, a developer the stack.
 */
export function makeLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const debugging = level === "debug" || level === "trace";
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  const base: pino.LoggerOptions = {
    level,
    redact: { paths: redactPaths, censor: "[redacted]" },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: withStacks(debugging) },
    hooks: debugging ? {} : { logMethod: withoutRepeatedMessage },
  };
  const destination =
    options.destination ?? (pretty ? prettyStream() : pino.destination({ fd: 2, sync: true }));
  const secrets = options.secrets ?? [];
  return pino(base, secrets.length > 0 ? scrubbing(destination, secrets) : destination);
}

/** pino's error serializer, with the stacks (of the error and its causes) only when asked. */
function withStacks(keep: boolean): (error: Error) => pino.SerializedError {
  return (error) => {
    const serialized = pino.stdSerializers.err(error);
    if (keep) return serialized;
    for (let e: Record<string, unknown> | undefined = serialized; e !== undefined; ) {
      delete e.stack;
      e = typeof e.cause === "object" && e.cause !== null ? (e.cause as typeof e) : undefined;
    }
    return serialized;
  };
}

/**
 * `log.error({ err }, \`sync failed: ${err.message}\`)` would print the message twice; the error's
 * own message is left out when the line's message already says it (kept at debug).
 */
function withoutRepeatedMessage(
  this: pino.Logger,
  args: Parameters<pino.LogFn>,
  method: pino.LogFn,
): void {
  const [first, message] = args as unknown[];
  if (typeof first === "object" && first !== null && typeof message === "string") {
    const err = (first as { err?: unknown }).err;
    if (err instanceof Error && err.message !== "" && message.includes(err.message)) {
      const { code } = err as { code?: unknown };
      const brief = { type: err.name, ...(code === undefined ? {} : { code }) };
      (args as unknown[])[0] = { ...first, err: brief };
    }
  }
  method.apply(this, args);
}

function prettyStream(): pino.DestinationStream {
  // pino-pretty is only loaded when stderr is a terminal.
  const require = createRequire(import.meta.url);
  const pinoPretty = require("pino-pretty") as (opts: object) => pino.DestinationStream;
  return pinoPretty({
    colorize: true,
    destination: 2,
    sync: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "pid,hostname",
    singleLine: true,
  });
}

/** Wraps a destination so that no written line can carry a known secret value. */
export function scrubbing(
  destination: pino.DestinationStream,
  secrets: readonly string[],
): pino.DestinationStream {
  return { write: (line: string) => destination.write(scrubSecrets(line, secrets)) };
}

/** A logger that writes nothing, for library callers and tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: "silent" });
