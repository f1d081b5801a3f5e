import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from "@nats-io/jetstream";
import { EventDeliveryError } from "./event-delivery-error.js";

/**
 * Makes sure the stream exists and captures `subject` (e.g. `novita.files.>`): creates it with
 * that subject when missing; refuses a stream of that name that would not store our messages.
 */
export async function ensureNatsStream(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<void> {
  let subjects: string[];
  try {
    subjects = (await jsm.streams.info(stream)).config.subjects ?? [];
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
      await jsm.streams.add({ name: stream, subjects: [subject] });
      return;
    }
    throw error;
  }
  if (!subjects.some((pattern) => subjectCovers(pattern, subject))) {
    throw new EventDeliveryError(
      "nats_stream_mismatch",
      `NATS stream ${stream} exists but does not capture ${subject} (it has ${subjects.join(", ") || "no subjects"}); ` +
        `add ${subject} to its subjects, or set NATS_STREAM or NATS_SUBJECT_PREFIX to match`,
    );
  }
}

/** Whether every subject matched by `wanted` (which may end in `>`) is matched by `pattern`. */
export function subjectCovers(pattern: string, wanted: string): boolean {
  const have = pattern.split(".");
  const want = wanted.split(".");
  for (let i = 0; i < have.length; i++) {
    const token = have[i];
    if (token === ">") return true;
    const other = want[i];
    if (other === undefined || other === ">") return false;
    if (token !== "*" && token !== other) return false;
    if (token === "*" && other === "*") continue;
  }
  return have.length === want.length;
}
