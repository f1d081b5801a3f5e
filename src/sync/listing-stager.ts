import { ListingCopyBatch } from "../db/listing-copy-batch.js";
import { readListingCopyLine } from "../db/stage-listing.js";
import type { SyncSession } from "../db/sync-session.js";
import { coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import type { ListedItems, ListingSink } from "../novita/index.js";
import { IdFingerprints } from "./id-fingerprints.js";
import { findRefusedPlaces, type RefusedFile, warnRefusedFiles } from "./isolate-refused-files.js";
import { describeDataError, isDataError } from "./listing-data-errors.js";

/** Invalid items' ids staged per insert. */
const idsPerInsert = 5_000;
/** Ids that may be repeats, checked one by one; past this, the whole staged listing is checked. */
const maxPossibleRepeats = 10_000;

/** The staged listing, once complete. */
export interface StagedListing {
  /** Files staged: one per id, refused files left out. */
  files: number;
  /** Files the database refused at COPY, staged as seen-but-invalid. */
  refused: RefusedFile[];
  /** Earlier occurrences of repeated ids, dropped (the last occurrence wins). */
  duplicates: number;
  /** Staged rows are numbered 1 to this (with gaps where rows were refused or dropped). */
  lastPosition: number;
}

/**
 * Streams a listing into the run's staging tables while it downloads: each validated file becomes
 * a line of COPY text at once, written outside the heap (so the parsed objects die young and
 * memory stays flat), and batches go out in COPYs of a few thousand rows, one COPY in flight
 * while the next batch fills, so the download, the parsing and the load overlap. Invalid items'
 * ids are staged as seen. Rows are numbered by their place in the listing; a page attempted again
 * first deletes what its failed attempt staged. A COPY the database refuses for a value is staged
 * part by part down to the refused files (seen-but-invalid). Repeated ids are noticed by
 * fingerprint and settled in the database by `finish`: the last occurrence wins, as it did in
 * memory.
 */
export class ListingStager implements ListingSink {
  readonly #session: SyncSession;
  readonly #runId: number;
  readonly #log: Logger;
  /** Next position for a file (sync_listing) and for an invalid item's id (sync_seen_invalid). */
  #position = 1;
  #invalidPosition = 1;
  #stagedFiles = 0;
  #refused: RefusedFile[] = [];
  #pageStart = { position: 1, invalidPosition: 1, stagedFiles: 0, refused: 0 };
  /** The batch filling, and a spare: the other one is in flight or empty. */
  #batch = new ListingCopyBatch();
  #spare: ListingCopyBatch | null = new ListingCopyBatch();
  #invalidIds: string[] = [];
  #firstInvalidPosition = 1;
  #inFlight: Promise<void> | null = null;
  readonly #fingerprints = new IdFingerprints();
  #possibleRepeats = new Set<string>();
  #tooManyRepeats = false;

  constructor(session: SyncSession, runId: number, log: Logger) {
    this.#session = session;
    this.#runId = runId;
    this.#log = log;
  }

  async startPage(_page: number, retry: boolean): Promise<void> {
    // A new page starts from a clean cut: what the previous page left goes out first, so a retry
    // can drop exactly this page's rows.
    if (!retry) await this.#ship();
    await this.#settle();
    if (!retry) {
      this.#pageStart = {
        position: this.#position,
        invalidPosition: this.#invalidPosition,
        stagedFiles: this.#stagedFiles,
        refused: this.#refused.length,
      };
      return;
    }
    // Fingerprints of the failed attempt stay: its ids come again and are checked as repeats.
    const start = this.#pageStart;
    this.#batch.clear();
    this.#invalidIds = [];
    await this.#session.unstageFrom(this.#runId, start);
    this.#position = start.position;
    this.#invalidPosition = start.invalidPosition;
    this.#stagedFiles = start.stagedFiles;
    this.#refused = this.#refused.slice(0, start.refused);
  }

  async add(items: ListedItems): Promise<void> {
    for (const file of items.files) {
      if (this.#fingerprints.add(file.id)) this.#notePossibleRepeat(file.id);
      this.#batch.add(this.#runId, this.#position, file);
      this.#position += 1;
    }
    for (const item of items.invalid) {
      if (item.id === null) continue;
      if (this.#invalidIds.length === 0) this.#firstInvalidPosition = this.#invalidPosition;
      this.#invalidIds.push(item.id);
      this.#invalidPosition += 1;
    }
    if (this.#batch.full || this.#invalidIds.length >= idsPerInsert) await this.#ship();
  }

  /** Stages what is left, waits for it, settles repeated ids and refreshes the statistics. */
  async finish(): Promise<StagedListing> {
    await this.#ship();
    await this.#settle();
    // Side by side, on two connections: each is a pass over the staged rows.
    const [duplicates] = await Promise.all([
      this.#dropEarlierDuplicates(),
      this.#session.analyzeStaging(),
    ]);
    return {
      files: this.#stagedFiles - duplicates,
      refused: this.#refused,
      duplicates,
      lastPosition: this.#position - 1,
    };
  }

  /** Waits for the COPY in flight, if any, ignoring its failure (the listing failed anyway). */
  async abandon(): Promise<void> {
    await this.#inFlight?.catch(() => undefined);
    this.#inFlight = null;
  }

  /** Sends the batch gathered so far on its way, once the previous COPY is done. */
  async #ship(): Promise<void> {
    await this.#settle();
    const batch = this.#batch;
    const invalidIds = this.#invalidIds;
    if (batch.rows === 0 && invalidIds.length === 0) return;
    this.#batch = this.#spare ?? new ListingCopyBatch();
    this.#spare = null;
    this.#invalidIds = [];
    const staging = this.#stage(batch, invalidIds, this.#firstInvalidPosition).finally(() => {
      batch.clear();
      this.#spare = batch;
    });
    // Awaited by the next #settle; until then a failure must not count as unhandled.
    staging.catch(() => undefined);
    this.#inFlight = staging;
  }

  async #settle(): Promise<void> {
    const inFlight = this.#inFlight;
    this.#inFlight = null;
    await inFlight;
  }

  async #stage(
    batch: ListingCopyBatch,
    invalidIds: string[],
    invalidPosition: number,
  ): Promise<void> {
    const session = this.#session;
    await session.stageSeenInvalid(
      this.#runId,
      invalidIds,
      invalidIds.map((_, offset) => invalidPosition + offset),
    );
    if (batch.rows === 0) return;
    try {
      await session.stageText(batch.text());
      this.#stagedFiles += batch.rows;
    } catch (error) {
      if (!isDataError(error)) throw error;
      await this.#stageAroundRefused(batch, coerceError(error));
    }
  }

  /**
   * A value in the batch made the COPY fail, which staged none of them: stage them part by part,
   * bisecting down to the refused files. Each refused file's id is staged as seen, at minus its
   * position (its place in sync_listing stays empty).
   */
  async #stageAroundRefused(batch: ListingCopyBatch, error: Error): Promise<void> {
    const lines = Array.from({ length: batch.rows }, (_, index) => batch.line(index));
    const found = await findRefusedPlaces({ start: 0, end: batch.rows }, (start, end) =>
      this.#session.stageText(batch.text(start, end)).then(
        () => null,
        (partError: unknown) => {
          if (!isDataError(partError)) throw partError;
          return coerceError(partError);
        },
      ),
    );
    if (found.length === 0) throw describeDataError(error, lines.map(readListingCopyLine));
    const refused = found.map(({ at, reason }) => {
      const { id, page, index } = readListingCopyLine(lines[at]!);
      return { id, page, index, reason, position: positionOf(lines[at]!) };
    });
    warnRefusedFiles(this.#log, refused);
    this.#refused.push(...refused);
    this.#stagedFiles += lines.length - refused.length;
    await this.#session.stageSeenInvalid(
      this.#runId,
      refused.map(({ id }) => id),
      refused.map(({ position }) => -position),
    );
  }

  #notePossibleRepeat(id: string): void {
    if (this.#tooManyRepeats) return;
    this.#possibleRepeats.add(id);
    if (this.#possibleRepeats.size > maxPossibleRepeats) {
      this.#tooManyRepeats = true;
      this.#possibleRepeats = new Set();
    }
  }

  async #dropEarlierDuplicates(): Promise<number> {
    if (!this.#tooManyRepeats && this.#possibleRepeats.size === 0) return 0;
    const ids = this.#tooManyRepeats ? null : [...this.#possibleRepeats];
    const { dropped, sample } = await this.#session.dropEarlierDuplicates(this.#runId, ids);
    if (dropped > 0) {
      this.#log.warn(
        { count: dropped, ids: sample },
        "novita listing repeated file ids; kept the last occurrence of each",
      );
    }
    return dropped;
  }
}

/** The position a COPY line was made for (its second field). */
function positionOf(line: string): number {
  const start = line.indexOf("\t") + 1;
  return Number(line.slice(start, line.indexOf("\t", start)));
}
