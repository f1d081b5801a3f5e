import { coerceError } from "../errors.js";
import { scrubSecrets } from "../logging/scrub-secrets.js";

/** Replaces `secret` in `text` wherever it stands as a whole token (see scrubSecrets). */
export function redactSecret(text: string, secret: string): string {
  return scrubSecrets(text, [secret]);
}

/**
 * A copy of `error` (and of its cause chain, a few levels deep) with `secret` removed from every
 * message and stack. Errors from fetch are wrapped through this so that nothing the HTTP stack
 * attached (request objects, header values) can carry the API key into logs or reports.
 */
export function scrubbedError(error: unknown, secret: string, depth = 0): Error {
  const source = coerceErrorSafely(error);
  const nested = depth < 4 && source.cause !== undefined ? source.cause : undefined;
  const copy = new Error(
    redactSecret(source.message, secret),
    nested === undefined ? undefined : { cause: scrubbedError(nested, secret, depth + 1) },
  );
  copy.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") {
    (copy as Error & { code?: string | number }).code = code;
  }
  copy.stack = redactSecret(source.stack ?? `${copy.name}: ${copy.message}`, secret);
  return copy;
}

function coerceErrorSafely(thrown: unknown): Error {
  try {
    return coerceError(thrown);
  } catch {
    return new Error(String(thrown));
  }
}
