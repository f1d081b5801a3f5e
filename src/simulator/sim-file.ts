/** A file exactly as the simulated API serves it (snake_case, unix seconds). */
export interface SimFile {
  id: string;
  object: string;
  bytes: number;
  filename: string;
  created_at: number;
  /** Output files only; absent on input files. */
  expires_at?: number | null;
  purpose: string;
  metadata: Record<string, unknown>;
  /** Extra fields are served as given (to test that clients keep unknown fields). */
  [field: string]: unknown;
}

/** Output files expire this long after creation in the simulator. */
export const outputLifetimeSeconds = 30 * 24 * 3600;
