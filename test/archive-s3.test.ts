import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { makeS3Store } from "../src/archive/stores/s3-store.js";
import { type ArchiveS3Config, loadConfig } from "../src/config/config.js";
import { type ArchiveBed, expectedSha256, startArchiveBed } from "./helpers/archive-bed.js";
import { onCleanup } from "./helpers/cleanup.js";

// s3rver's fixed development credentials; the secret is checked for leaks anyway.
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const bucket = "novita-archive";

let bed: ArchiveBed;
let s3: S3Client;
let s3Config: ArchiveS3Config;

beforeAll(async () => {
  bed = await startArchiveBed();
  const directory = await mkdtemp(join(tmpdir(), "nfs-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  onCleanup(async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  s3Config = {
    bucket,
    prefix: "archive",
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    credentials,
  };
  s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials });
  onCleanup(() => s3.destroy());
});

beforeEach(async () => {
  bed.simulator.reset();
  await bed.db.query("TRUNCATE files, events, sync_runs CASCADE");
});

async function objects(): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((o) => o.Key ?? "").sort();
}

describe("the S3 archive store", () => {
  it("uploads each file in parts, under the prefix, with the listed size and sha256", async () => {
    // Over one 8 MiB part, so the upload is a real multipart upload.
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 9 * 1024 * 1024 + 17 });
    await bed.sync();

    const outcome = await bed.pass({ store: makeS3Store(s3Config) });

    expect(outcome).toMatchObject({ archived: 1, failed: 0 });
    const [record] = await bed.records();
    expect(record).toMatchObject({
      status: "archived",
      key: `archive/${file.id}/v1/${file.id}.jsonl`,
    });
    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: record?.key as string }),
    );
    const body = Buffer.from(await object.Body!.transformToByteArray());
    const sha = createHash("sha256").update(body).digest("hex");
    expect(sha).toBe(await expectedSha256(file.id, file.bytes));
    expect(record?.sha256).toBe(sha);
    const [event] = (await bed.events()).filter((e) => e.type === "file.archived");
    expect(event?.data).toMatchObject({ store: `s3:${bucket}`, key: record?.key, sha256: sha });
  });

  it("leaves no object when the content is shorter than listed", async () => {
    const before = await objects();
    const file = bed.simulator.store.add({ purpose: "batch_output", bytes: 50_000 });
    await bed.sync();
    bed.simulator.contentFaults.add({ kind: "short", fileId: file.id });

    expect(await bed.pass({ store: makeS3Store(s3Config) })).toMatchObject({ failed: 1 });

    expect((await bed.records())[0]).toMatchObject({
      status: "failed",
      last_reason: "short_content",
    });
    expect(await objects()).toEqual(before);
  });

  it("records a refused upload with its reason and without the secret", async () => {
    const secret = "s3-secret-CANARY-9f2e";
    bed.simulator.store.add({ purpose: "batch_output", bytes: 1_000 });
    await bed.sync();
    const store = makeS3Store({
      ...s3Config,
      bucket: "no-such-bucket",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: secret },
    });

    expect(await bed.pass({ store })).toMatchObject({ failed: 1 });

    const [record] = await bed.records();
    expect(record).toMatchObject({ status: "failed", last_reason: "upload_refused" });
    expect(record?.last_error).toContain("no-such-bucket");
    const everything = JSON.stringify([await bed.records(), await bed.events()]);
    expect(everything).not.toContain(secret);
  });
});

describe("S3 settings", () => {
  it("read the secret from AWS_SECRET_ACCESS_KEY_FILE and treat it as a secret", async () => {
    const directory = await mkdtemp(join(tmpdir(), "nfs-s3-secret-"));
    onCleanup(() => rm(directory, { recursive: true, force: true }));
    const path = join(directory, "secret");
    await writeFile(path, "from-a-file-SECRET\n");
    const config = loadConfig({
      ARCHIVE_PURPOSES: "batch_output,batch",
      ARCHIVE_S3_BUCKET: bucket,
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000",
      AWS_ACCESS_KEY_ID: "id",
      AWS_SECRET_ACCESS_KEY_FILE: path,
    });
    expect(config.archive.purposes).toEqual(["batch_output", "batch"]);
    expect(config.archive.s3).toMatchObject({
      bucket,
      endpoint: "http://127.0.0.1:9000",
      credentials: { accessKeyId: "id", secretAccessKey: "from-a-file-SECRET" },
    });
    expect(config.secrets).toContain("from-a-file-SECRET");
  });

  it("default to archiving off, into <DATA_DIR>/archive", () => {
    const config = loadConfig({ DATA_DIR: "/var/lib/nfs" });
    expect(config.archive).toMatchObject({
      purposes: [],
      directory: "/var/lib/nfs/archive",
      s3: undefined,
    });
  });
});
