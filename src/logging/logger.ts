import { createRequire } from "node:module";
import pino, { type Logger } from "pino";

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

export interface LoggerOptions {
  level?: string;
  /** Pretty, human-readable lines instead of JSON. Defaults to whether stdout is a TTY. */
  pretty?: boolean;
  /** Known secret values: any log line containing one has it replaced before it is written. */
  secrets?: readonly string[];
  /** Where lines go (tests capture them); defaults to stdout. */
  destination?: pino.DestinationStream;
}

/**
 * The process logger: JSON lines by default, pretty on a TTY. Known secret values are scrubbed
 * from every line as a last line of defence, on top of the redacted paths.
 */
export function makeLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const base: pino.LoggerOptions = {
    level: options.level ?? "info",
    redact: { paths: redactPaths, censor: "[redacted]" },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const destination = options.destination ?? (pretty ? prettyStream() : pino.destination(1));
  return pino(base, secrets.length > 0 ? scrubbing(destination, secrets) : destination);
}

function prettyStream(): pino.DestinationStream {
  // pino-pretty is only loaded when stdout is a terminal.
  const require = createRequire(import.meta.url);
  const pinoPretty = require("pino-pretty") as (opts: object) => pino.DestinationStream;
  return pinoPretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
}

/** Wraps a destination so that no written line can carry a known secret value. */
export function scrubbing(
  destination: pino.DestinationStream,
  secrets: readonly string[],
): pino.DestinationStream {
  return {
    write(line: string) {
      let clean = line;
      for (const secret of secrets) clean = clean.split(secret).join("[redacted]");
      destination.write(clean);
    },
  };
}

/** A logger that writes nothing, for library callers and tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: "silent" });
