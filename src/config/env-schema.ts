import { validateDetailed } from "node-cron";
import { z } from "zod";
import { parseDuration } from "./duration.js";

// Every message names the expected format and gives an example, and quotes what it got, so that
// the operator can fix the variable without opening the docs.

const got = (value: unknown) => (value === undefined ? "" : ` (got "${String(value)}")`);

const whole = (fallback: number, min: number, max: number, example: string) =>
  z
    .string()
    .default(String(fallback))
    .transform((text, ctx) => {
      const value = Number(text.trim());
      if (/^\d+$/.test(text.trim()) && value >= min && value <= max) return value;
      ctx.addIssue({
        code: "custom",
        message: `expects a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}, e.g. ${example}${got(text)}`,
      });
      return z.NEVER;
    });
/** A count or a number of milliseconds (the name says which). */
export const int = (fallback: number, min = 0) =>
  whole(fallback, min, Number.MAX_SAFE_INTEGER, String(fallback));
export const port = (fallback: number, min = 0) =>
  whole(fallback, min, 65_535, String(fallback || 8080));

export const ratio = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((text, ctx) => {
      const value = Number(text.trim());
      if (text.trim() !== "" && value >= 0 && value <= 1) return value;
      ctx.addIssue({
        code: "custom",
        message: `expects a number from 0 to 1, e.g. 0.3${got(text)}`,
      });
      return z.NEVER;
    });

export const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], {
      error: (issue) => `expects true or false${got(issue.input)}`,
    })
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");

export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseDuration(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });

export const durationList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        const windows = text
          .split(",")
          .map((w) => w.trim())
          .filter(Boolean)
          .map(parseDuration);
        if (windows.length === 0) throw new Error(`expects durations separated by commas`);
        return [...new Set(windows)].sort((a, b) => b - a);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `${(error as Error).message}, e.g. 24h,1h` });
        return z.NEVER;
      }
    });

/** A 5-field cron expression (6 with seconds first), checked as node-cron will read it. */
export const cron = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .superRefine((text, ctx) => {
      const { valid, errors } = validateDetailed(text);
      if (valid) return;
      const detail = errors.map((e) => e.message).join("; ");
      ctx.addIssue({
        code: "custom",
        message:
          `"${text}" is not a cron expression (${detail}); expects 5 fields, minute hour ` +
          `day-of-month month day-of-week (6 with seconds first), e.g. "*/5 * * * *" for every 5 minutes`,
      });
    });

export const timezone = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine(
      (text) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: text });
          return true;
        } catch {
          return false;
        }
      },
      {
        error: (issue) => `expects an IANA time zone, e.g. UTC or Europe/Berlin${got(issue.input)}`,
      },
    );

export const url = (protocols: RegExp, hint: string) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.test(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    // The value may hold a password: it is not repeated.
    `expects ${hint}`,
  );

export const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

export const list = (item: z.ZodType<string, string>) =>
  optionalText.pipe(
    z
      .string()
      .optional()
      .transform((v) => (v === undefined ? [] : v.split(/[,\s]+/).filter(Boolean)))
      .pipe(z.array(item)),
  );

export const postgresUrl = url(
  /^postgres(ql)?:$/,
  "a postgres:// or postgresql:// URL, e.g. postgresql://user:password@localhost:5432/novita",
);
