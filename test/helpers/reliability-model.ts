import type { SyncSettings } from "../../src/sync/sync-settings.js";

/** The part of a file the model tracks (a change in either is a change). */
export interface ModelState {
  bytes: number;
  filename: string;
}

/** One answer of the API: a listing (with items that fail validation), or an unusable body. */
export type ModelStep =
  | { kind: "listing"; files: Record<string, ModelState>; invalid: string[] }
  | { kind: "garbage"; status: number; body: string };

export interface ModelFile extends ModelState {
  status: "active" | "disappeared";
  version: number;
  missed: number;
  /** One entry per version: how it came about, its status and state. */
  versions: { change: string; status: string; bytes: number; filename: string }[];
}

/**
 * What the mirror should hold after a sequence of API answers, stated as simply as possible: the
 * rules of README "How a sync works", one run per step. The sync engine does the same with
 * set-based SQL; the property test checks that they agree.
 */
export class MirrorModel {
  readonly files = new Map<string, ModelFile>();
  readonly events: { type: string; file_id: string | null }[] = [];
  readonly runs: string[] = [];

  constructor(private readonly settings: SyncSettings) {}

  apply(step: ModelStep): void {
    if (step.kind === "garbage") {
      this.runs.push("failed");
      return;
    }
    const { settings } = this;
    const listed = new Map(Object.entries(step.files));
    const seen = (id: string) => listed.has(id) || step.invalid.includes(id);
    const bootstrap = this.files.size === 0;
    const active = [...this.files.entries()].filter(([, f]) => f.status === "active");
    const missing = active
      .filter(([id]) => !seen(id))
      .map(([id, f]) => ({ id, misses: f.missed + 1 }));
    const candidates = missing.filter((m) => m.misses >= settings.disappearanceConfirmations);
    const pastGuard = Math.max(settings.disappearanceConfirmations, settings.guardConfirmations);
    const confirmedPastGuard = candidates.filter((m) => m.misses >= pastGuard).length;

    const sorted = [...listed.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [id, state] of sorted) {
      if (this.files.has(id)) continue;
      this.files.set(id, {
        ...state,
        status: "active",
        version: 1,
        missed: 0,
        versions: [{ change: "created", status: "active", ...state }],
      });
      if (!bootstrap || settings.emitCreatedOnBootstrap) this.event("file.created", id);
    }
    for (const [id, state] of sorted) {
      const file = this.files.get(id)!;
      const differs = file.bytes !== state.bytes || file.filename !== state.filename;
      if (file.status === "active" && !differs) continue;
      const change = file.status === "disappeared" ? "reappeared" : "updated";
      Object.assign(file, state, { status: "active", version: file.version + 1, missed: 0 });
      file.versions.push({ change, status: "active", ...state });
      this.event(`file.${change}`, id);
    }
    for (const [id, file] of this.files) {
      if (file.status === "active" && file.missed > 0 && seen(id)) file.missed = 0;
    }
    for (const m of missing) this.files.get(m.id)!.missed = m.misses;

    const threshold = Math.max(
      settings.massDisappearanceMin,
      Math.floor(settings.massDisappearanceRatio * active.length),
    );
    const guarded = candidates.length > threshold && candidates.length - confirmedPastGuard > 0;
    const acceptFrom = guarded ? pastGuard : settings.disappearanceConfirmations;
    for (const m of [...missing].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (m.misses < acceptFrom) continue;
      const file = this.files.get(m.id)!;
      file.status = "disappeared";
      file.version += 1;
      file.versions.push({ change: "disappeared", status: "disappeared", ...pick(file) });
      this.event("file.disappeared", m.id);
    }
    if (bootstrap && !settings.emitCreatedOnBootstrap) this.event("sync.bootstrapped", null);
    if (guarded) this.event("sync.guarded", null);
    this.runs.push(guarded ? "guarded" : "succeeded");
  }

  private event(type: string, fileId: string | null): void {
    this.events.push({ type, file_id: fileId });
  }
}

function pick(file: ModelFile): ModelState {
  return { bytes: file.bytes, filename: file.filename };
}
