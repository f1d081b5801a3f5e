import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testApiKey, useSimulator } from "./helpers/simulator-harness.js";

const harness = useSimulator();

async function download(id: string): Promise<{ status: number; body: Buffer }> {
  const response = await fetch(`${harness.sim.baseUrl}/files/${id}/content`, {
    headers: { Authorization: `Bearer ${testApiKey}` },
  });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

describe("GET /files/:id/content", () => {
  it("serves JSONL of exactly the listed bytes, the same every time", async () => {
    for (const bytes of [0, 5, 11, 12, 250, 65_536, 200_003]) {
      const file = harness.sim.store.add({ purpose: "batch_output", bytes });
      const first = await download(file.id);
      const second = await download(file.id);
      expect(first.status).toBe(200);
      expect(first.body.byteLength).toBe(bytes);
      expect(sha(second.body)).toBe(sha(first.body));
      const lines = first.body.toString("utf8").split("\n").filter(Boolean);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  it("answers 404 for a file that does not exist or has expired", async () => {
    const expired = harness.sim.store.add({
      purpose: "batch_output",
      expires_at: Math.floor(Date.now() / 1000) - 10,
    });
    expect((await download("file-missing")).status).toBe(404);
    expect((await download(expired.id)).status).toBe(404);
  });

  it("serves shorter or longer content than listed when told to", async () => {
    const file = harness.sim.store.add({ purpose: "batch_output", bytes: 1000 });
    harness.sim.contentFaults.add({ kind: "short", by: 10 }).add({ kind: "long", by: 7 });
    expect((await download(file.id)).body.byteLength).toBe(990);
    expect((await download(file.id)).body.byteLength).toBe(1007);
    expect((await download(file.id)).body.byteLength).toBe(1000);
  });

  it("cuts the body mid-way, and deletes the file mid-way, when told to", async () => {
    const file = harness.sim.store.add({ purpose: "batch_output", bytes: 300_000 });
    harness.sim.contentFaults.add({ kind: "cut" });
    await expect(download(file.id)).rejects.toThrow();
    harness.sim.contentFaults.add({ kind: "delete-mid-body", fileId: file.id });
    await expect(download(file.id)).rejects.toThrow();
    expect(harness.sim.store.get(file.id)).toBeUndefined();
  });

  it("applies a fault only to the file it names", async () => {
    const a = harness.sim.store.add({ purpose: "batch_output", bytes: 100 });
    const b = harness.sim.store.add({ purpose: "batch_output", bytes: 100 });
    harness.sim.contentFaults.add({ kind: "status", status: 503, fileId: b.id });
    expect((await download(a.id)).status).toBe(200);
    expect((await download(b.id)).status).toBe(503);
    expect((await download(b.id)).status).toBe(200);
  });
});

function sha(buffer: Buffer): string {
  return createHash("sha256").update(buffer).digest("hex");
}
