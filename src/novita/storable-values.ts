import { fileLimits } from "./file-limits.js";

declare global {
  interface String {
    /** ES2024 (Node >= 20): false when the string holds a lone surrogate. */
    isWellFormed(): boolean;
  }
}

/**
 * Why `value` cannot be stored exactly in a text column within `maxBytes` UTF-8 bytes, or null.
 * PostgreSQL text cannot hold U+0000, and a lone surrogate has no UTF-8 encoding (the driver
 * would silently write U+FFFD instead). Native checks: this runs for every string of every item.
 */
export function textProblem(value: string, maxBytes: number): string | null {
  if (value.includes("\0") || !value.isWellFormed()) return characterProblem(value);
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings need no count.
  if (value.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes > maxBytes) return `is ${bytes} bytes (UTF-8), over the limit of ${maxBytes}`;
  }
  return null;
}

/** Whether a string can be stored as text at all (any length): the ids that count as seen. */
export function isStorableText(value: string): boolean {
  return !value.includes("\0") && value.isWellFormed();
}

function characterProblem(value: string): string {
  for (let at = 0; at < value.length; at += 1) {
    const unit = value.charCodeAt(at);
    if (unit === 0) return `contains U+0000 at position ${at}, which PostgreSQL cannot store`;
    if (unit >= 0xd800 && unit <= 0xdbff && isLow(value.charCodeAt(at + 1))) {
      at += 1;
      continue;
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      return `contains a lone surrogate (U+${unit.toString(16).toUpperCase()}) at position ${at}: ill-formed UTF-16, which has no UTF-8 form`;
    }
  }
  return "contains a character PostgreSQL cannot store";
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Why the metadata cannot be stored exactly as jsonb within the limits, or null: U+0000 or a lone
 * surrogate in any key or string value at any depth, nesting deeper than the limit, an integer
 * beyond ±2^53 (JSON.parse already rounded it), or a JSON text larger than the limit. The answer
 * names the path, e.g. `metadata.a[2]: contains U+0000 …`.
 */
export function metadataProblem(metadata: object): string | null {
  const walk = { path: ["metadata"], size: 0 };
  const problem = visit(metadata, 1, walk);
  if (problem !== null) return `${walk.path.join("")}: ${problem}`;
  // The walk over-estimates the JSON size (every character escaped); only a large one is measured.
  if (walk.size > fileLimits.metadataBytes) {
    const bytes = Buffer.byteLength(JSON.stringify(metadata), "utf8");
    if (bytes > fileLimits.metadataBytes) {
      return `metadata: is ${bytes} bytes as JSON, over the limit of ${fileLimits.metadataBytes}`;
    }
  }
  return null;
}

interface Walk {
  /** The path to the value being visited; left pointing at the offending value on a problem. */
  path: string[];
  /** An upper bound of the JSON text's UTF-8 size so far. */
  size: number;
}

function visit(value: unknown, depth: number, walk: Walk): string | null {
  if (typeof value === "string") return stringProblem(value, walk);
  if (typeof value === "number") {
    walk.size += 24;
    return Number.isInteger(value) && !Number.isSafeInteger(value)
      ? `the integer ${value} is beyond ±2^53, so it could not be read exactly`
      : null;
  }
  if (value === null || typeof value !== "object") {
    walk.size += 5;
    return null;
  }
  if (depth > fileLimits.metadataDepth) {
    return `nested deeper than ${fileLimits.metadataDepth} levels of objects and arrays`;
  }
  walk.size += 2;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      walk.path.push(`[${index}]`);
      const problem = visit(value[index], depth + 1, walk);
      if (problem !== null) return problem;
      walk.path.pop();
      walk.size += 1;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    walk.path.push(pathKey(key));
    const problem =
      (key.includes("\0") || !key.isWellFormed() ? `key ${characterProblem(key)}` : null) ??
      visit((value as Record<string, unknown>)[key], depth + 1, walk);
    if (problem !== null) return problem;
    walk.path.pop();
    walk.size += key.length * 6 + 4;
  }
  return null;
}

function stringProblem(value: string, walk: Walk): string | null {
  walk.size += value.length * 6 + 2;
  return value.includes("\0") || !value.isWellFormed() ? characterProblem(value) : null;
}

/** A key as it appears in a path: plain, or quoted and shortened when it holds anything else. */
function pathKey(key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(key)) return `.${key}`;
  return `[${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}]`;
}
