/** Turns anything thrown into an Error, so handlers can rely on `.message` and `.stack`. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === "string" ? thrown : JSON.stringify(thrown));
}

/**
 * Base class for the project's own errors: a machine-readable `code`, a message that tells the
 * operator what to do, and the underlying `cause`.
 */
export class AppError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A missing or invalid setting. The CLI exits with code 2. */
export class ConfigError extends AppError<"config"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("config", message, options);
  }
}
