/**
 * Secrets shorter than this are not scrubbed by value: a 1-to-5-character value matches ordinary
 * words, and replacing those garbles every line (`processTic[redacted]sAndRejections`). Real keys,
 * secrets and passwords are far longer; the logger's redacted paths (authorization headers,
 * apiKey, password fields) hide short ones wherever they are logged as fields.
 */
export const minimumScrubbedLength = 6;

/**
 * From this length a secret is replaced wherever it occurs, even glued to other text
 * (`E_sk-...` from a hostile server): a random string this long is never part of a word by chance.
 */
export const anywhereScrubbedLength = 16;

/** A character that may continue a token (key, word, identifier) on either side of a secret. */
const tokenCharacter = /[A-Za-z0-9_-]/;

/**
 * Replaces each known secret in `text` with `[redacted]`. Long secrets go wherever they occur;
 * shorter ones only where they stand as a whole token (not preceded or followed by a letter,
 * digit, `_` or `-`), so a secret that happens to spell part of another word leaves it alone.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret.length < minimumScrubbedLength) continue;
    const anywhere = secret.length >= anywhereScrubbedLength;
    let from = 0;
    for (let at = clean.indexOf(secret, from); at !== -1; at = clean.indexOf(secret, from)) {
      const before = clean[at - 1] ?? "";
      const after = clean[at + secret.length] ?? "";
      if (!anywhere && (tokenCharacter.test(before) || tokenCharacter.test(after))) {
        from = at + 1;
        continue;
      }
      clean = `${clean.slice(0, at)}[redacted]${clean.slice(at + secret.length)}`;
      from = at + "[redacted]".length;
    }
  }
  return clean;
}
