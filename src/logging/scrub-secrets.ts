/**
 * Secrets shorter than this are not scrubbed by value: a 1-to-5-character value matches ordinary
 * words, and replacing those would garble every line. Real keys, secrets and passwords are far
 * longer; the logger's redacted paths (authorization headers, apiKey, password fields) hide short
 * ones wherever they are logged as fields.
 */
export const minimumScrubbedLength = 6;

/** A character that may continue a token (key, word, identifier) on either side of a secret. */
const tokenCharacter = /[A-Za-z0-9_-]/;

/**
 * Replaces each known secret in `text` with `[redacted]` where it stands as a whole token (not
 * preceded or followed by a letter, digit, `_` or `-`), so that a secret which happens to occur
 * inside another word (`processTicksAndRejections`) leaves that word alone.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret.length < minimumScrubbedLength) continue;
    let from = 0;
    for (let at = clean.indexOf(secret, from); at !== -1; at = clean.indexOf(secret, from)) {
      const before = clean[at - 1] ?? "";
      const after = clean[at + secret.length] ?? "";
      if (tokenCharacter.test(before) || tokenCharacter.test(after)) {
        from = at + 1;
        continue;
      }
      clean = `${clean.slice(0, at)}[redacted]${clean.slice(at + secret.length)}`;
      from = at + "[redacted]".length;
    }
  }
  return clean;
}
