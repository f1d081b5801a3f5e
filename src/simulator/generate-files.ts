import { randomFileId, seededRandom } from "./seeded-random.js";
import { outputLifetimeSeconds, type SimFile } from "./sim-file.js";

const inputNames = ["batch_input", "eval_prompts", "embeddings_job", "translations", "tickets"];
const dayS = 24 * 3600;

export interface GenerateOptions {
  seed: number;
  /** Current time in unix seconds; files are created during the 30 days before it. */
  nowSeconds: number;
  /** Ids that must not be reused (already in the store). */
  taken?: ReadonlySet<string>;
}

/**
 * `count` realistic files, the same ones for the same seed and time: about half batch inputs
 * (with metadata.total_requests and a size to match) and half batch outputs (with expires_at 30
 * days after creation, so some expire within the next hour or day).
 */
export function generateFiles(count: number, options: GenerateOptions): SimFile[] {
  const random = seededRandom(options.seed);
  const used = new Set(options.taken);
  const files: SimFile[] = new Array(count);
  for (let i = 0; i < count; i += 1) {
    let id = randomFileId(random);
    while (used.has(id)) id = randomFileId(random);
    used.add(id);
    const createdAt = options.nowSeconds - Math.floor(random() * 30 * dayS);
    files[i] =
      random() < 0.5 ? inputFile(id, createdAt, random) : outputFile(id, createdAt, random);
  }
  return files;
}

function inputFile(id: string, createdAt: number, random: () => number): SimFile {
  const totalRequests = 1 + Math.floor(random() ** 2 * 50_000);
  const name = inputNames[Math.floor(random() * inputNames.length)];
  const day = dayOf(createdAt);
  return {
    id,
    object: "file",
    bytes: totalRequests * (300 + Math.floor(random() * 1200)),
    filename: `${name}_${day}_${id.slice(-6)}.jsonl`,
    created_at: createdAt,
    purpose: "batch",
    metadata: { total_requests: totalRequests },
  };
}

function outputFile(id: string, createdAt: number, random: () => number): SimFile {
  return {
    id,
    object: "file",
    bytes: 200 + Math.floor(random() * 50_000_000),
    filename: `batch_${id.slice(5, 17)}_output.jsonl`,
    created_at: createdAt,
    expires_at: createdAt + outputLifetimeSeconds,
    purpose: "batch_output",
    metadata: {},
  };
}

const dayNames = new Map<number, string>();

/** "2024-05-01" for a unix time; cached because toISOString is slow across 100k files. */
function dayOf(unixSeconds: number): string {
  const day = Math.floor(unixSeconds / dayS);
  let name = dayNames.get(day);
  if (name === undefined) {
    name = new Date(day * dayS * 1000).toISOString().slice(0, 10);
    dayNames.set(day, name);
  }
  return name;
}
