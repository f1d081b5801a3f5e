import type { SyncSession } from "../db/sync-session.js";
import { coerceError } from "../errors.js";
import type { Logger } from "../logging/logger.js";
import type { ListedItems, ListingSink, NovitaFile } from "../novita/index.js";
import { IdFingerprints } from "./id-fingerprints.js";
import { findRefusedPlaces, type RefusedFile, warnRefusedFiles } from "./isolate-refused-files.js";
import { describeDataError, isDataError } from "./listing-data-errors.js";

/** Files per COPY: large enough that a COPY's round trip is noise, small enough to stay flat. */
const rowsPerCopy = 5_000;
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
 * Streams a listing into the run's staging tables while it downloads: validated files go out in
 * COPYs of a few thousand rows, one COPY in flight while the next fills, so the download, the
 * parsing and the load overlap and memory stays flat. Invalid items' ids are staged as seen. A
 * page attempted again first deletes what its failed attempt staged (rows are numbered by their
 * place in the listing). A COPY the database refuses for a value is staged part by part down to
 * the refused files (seen-but-invalid). Repeated ids are noticed by fingerprint and settled in the
 * database by `finish`: the last occurrence wins, as it did in memory.
 */
export class ListingStager implements ListingSink {
  readonly #session: SyncSession;
  readonly #runId: number;
  readonly #log: Logger;
  #position = 1;
  #invalidPosition = 1;
  #stagedFiles = 0;
  #refused: RefusedFile[] = [];
  #pageStart = { position: 1, invalidPosition: 1, stagedFiles: 0, refused: 0 };
  #files: NovitaFile[] = [];
  #invalidIds: string[] = [];
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
    // A new page starts from a clean cut: what the previous page left goes out first, so every
    // row of this page is numbered from here and a retry can drop exactly them.
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
    this.#files = [];
    this.#invalidIds = [];
    const start = this.#pageStart;
    await this.#session.unstageFrom(this.#runId, start);
    this.#position = start.position;
    this.#invalidPosition = start.invalidPosition;
    this.#stagedFiles = start.stagedFiles;
    this.#refused = this.#refused.slice(0, start.refused);
  }

  async add(items: ListedItems): Promise<void> {
    for (const file of items.files) {
      if (this.#fingerprints.add(file.id)) this.#notePossibleRepeat(file.id);
      this.#files.push(file);
    }
    for (const item of items.invalid) if (item.id !== null) this.#invalidIds.push(item.id);
    if (this.#files.length >= rowsPerCopy || this.#invalidIds.length >= rowsPerCopy) {
      await this.#ship();
    }
  }

  /** Stages what is left, waits for it, settles repeated ids and refreshes the statistics. */
  async finish(): Promise<StagedListing> {
    await this.#ship();
    await this.#settle();
    const duplicates = await this.#dropEarlierDuplicates();
    await this.#session.analyzeStaging();
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

  /** Sends the files gathered so far on their way, once the previous COPY is done. */
  async #ship(): Promise<void> {
    await this.#settle();
    const files = this.#files;
    const invalidIds = this.#invalidIds;
    if (files.length === 0 && invalidIds.length === 0) return;
    this.#files = [];
    this.#invalidIds = [];
    const position = this.#position;
    const invalidPosition = this.#invalidPosition;
    this.#position += files.length;
    this.#invalidPosition += invalidIds.length;
    const staging = this.#stage(files, position, invalidIds, invalidPosition);
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
    files: NovitaFile[],
    position: number,
    invalidIds: string[],
    invalidPosition: number,
  ): Promise<void> {
    const session = this.#session;
    await session.stageSeenInvalid(this.#runId, invalidIds, invalidPosition);
    if (files.length === 0) return;
    try {
      await session.stageFiles(this.#runId, files, position);
      this.#stagedFiles += files.length;
    } catch (error) {
      if (!isDataError(error)) throw error;
      await this.#stageAroundRefused(files, position, coerceError(error));
    }
  }

  /**
   * A value in `files` made the COPY fail, which staged none of them: stage them part by part,
   * bisecting down to the refused files, which are staged as seen-but-invalid instead.
   */
  async #stageAroundRefused(files: NovitaFile[], position: number, error: Error): Promise<void> {
    const found = await findRefusedPlaces({ start: 0, end: files.length }, (start, end) =>
      this.#session.stageFiles(this.#runId, files.slice(start, end), position + start).then(
        () => null,
        (partError: unknown) => {
          if (!isDataError(partError)) throw partError;
          return coerceError(partError);
        },
      ),
    );
    if (found.length === 0) throw describeDataError(error, files);
    const refused = found.map(({ at, reason }) => {
      const file = files[at]!;
      return { id: file.id, page: file.page, index: file.index, reason };
    });
    warnRefusedFiles(this.#log, refused);
    this.#refused.push(...refused);
    this.#stagedFiles += files.length - refused.length;
    // Positions of refused files are left empty in sync_listing; their ids take new ones here.
    const ids = refused.map(({ id }) => id);
    await this.#session.stageSeenInvalid(this.#runId, ids, this.#invalidPosition);
    this.#invalidPosition += ids.length;
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
