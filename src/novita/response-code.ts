import { errorForStatus, NovitaError } from "./novita-error.js";

/**
 * Whether the envelope's `code` reports success. The docs describe it as a string holding an HTTP
 * status, so we accept: absent, null or "" (the HTTP status already said 2xx); 0 or any 2xx, as a
 * number or a numeric string; and the words "success" / "ok" in any case. Everything else is an
 * error, even when the HTTP status was 200.
 */
export function isSuccessCode(code: unknown): boolean {
  if (code === undefined || code === null) return true;
  if (typeof code === "number") return code === 0 || (code >= 200 && code <= 299);
  if (typeof code !== "string") return false;
  const text = code.trim();
  if (text === "") return true;
  if (/^\d+$/.test(text)) return isSuccessCode(Number(text));
  return /^(success|ok)$/i.test(text);
}

/**
 * The error for an envelope whose `code` is not a success. Numeric 4xx/5xx codes are treated like
 * the same HTTP status (so "401" is `auth` and "503" is retried); other codes are a final
 * `bad_response` because we cannot know whether repeating the request helps.
 */
export function errorForBodyCode(
  code: unknown,
  detail: string,
  redact: (text: string) => string,
): NovitaError {
  const text = typeof code === "string" ? code.trim() : code;
  const numeric = typeof text === "number" ? text : Number(text);
  const shown = redact(String(JSON.stringify(code)).slice(0, 60));
  const label = `response code ${shown} with HTTP 200`;
  if (Number.isInteger(numeric) && numeric >= 400 && numeric <= 599 && text !== "") {
    return errorForStatus(numeric, { label, detail });
  }
  const said = detail === "" ? "" : `: ${detail}`;
  return new NovitaError("bad_response", `Novita API reported an error (${label}${said})`, {
    retryable: false,
  });
}
