import { NovitaError } from "./novita-error.js";

/**
 * Reads a response body while counting bytes, so a runaway response fails with `too_large`
 * instead of exhausting memory. A declared Content-Length over the limit fails before reading.
 * Stream errors (socket closed, abort) propagate as thrown; the caller classifies them.
 */
export async function readBodyLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = declaredLength(response);
  if (declared !== null && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(`declares ${declared} bytes`, maxBytes);
  }
  const body = response.body;
  if (body === null) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`went past ${maxBytes} bytes`, maxBytes);
    }
    chunks.push(value);
  }
  if (declared !== null && total !== declared) {
    throw new NovitaError(
      "bad_response",
      `Novita response was cut off: got ${total} of ${declared} bytes`,
      { retryable: true },
    );
  }
  return Buffer.concat(chunks, total);
}

/** Content-Length, when it describes the bytes we will read (not for compressed bodies). */
function declaredLength(response: Response): number | null {
  const encoding = response.headers.get("content-encoding");
  if (encoding !== null && encoding !== "identity") return null;
  const header = response.headers.get("content-length");
  if (header === null || !/^\d+$/.test(header.trim())) return null;
  return Number(header);
}

function tooLarge(what: string, maxBytes: number): NovitaError {
  return new NovitaError(
    "too_large",
    `Novita file list response ${what}, over NOVITA_MAX_RESPONSE_BYTES (${maxBytes}); raise NOVITA_MAX_RESPONSE_BYTES if the account really holds that many files`,
    { retryable: false },
  );
}
