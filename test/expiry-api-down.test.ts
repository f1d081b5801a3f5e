import { describe, expect, it } from "vitest";
import { scanExpiries } from "../src/expiry/index.js";
import { silentLogger } from "../src/logging/logger.js";
import { startSyncScenario } from "./helpers/sync-scenario.js";

describe("expiry warnings while the Novita API is down", () => {
  it("still warns on time: the sync fails with 500s but the scan after it emits the due warning", async () => {
    const s = await startSyncScenario();
    const nowSeconds = Math.floor(Date.now() / 1000);
    s.simulator.store.add({
      id: "file-out",
      purpose: "batch_output",
      expires_at: nowSeconds + 3 * 3600,
    });
    s.simulator.store.add({ id: "file-in", purpose: "batch" });
    expect((await s.sync()).status).toBe("succeeded");
    s.simulator.faults.always({ kind: "status", status: 500 });

    const failed = await s.sync();
    expect(failed.status).toBe("failed");
    // Three hours before the expiry only the 24h window applies; half an hour before, the 1h one.
    const first = await scanExpiries({
      db: s.db.prisma,
      windowsMs: [86_400_000, 3_600_000],
      logger: silentLogger,
    });
    expect(first.warnings).toBe(1);
    const later = new Date((nowSeconds + 3 * 3600 - 30 * 60) * 1000);
    expect((await s.sync()).status).toBe("failed");
    const second = await scanExpiries({
      db: s.db.prisma,
      windowsMs: [86_400_000, 3_600_000],
      logger: silentLogger,
      now: later,
    });
    expect(second.warnings).toBe(1);
    s.simulator.faults.clear();

    const warnings = (await s.events()).filter((e) => e.type === "file.expiring");
    expect(warnings.map((e) => [e.file_id, e.data.window])).toEqual([
      ["file-out", "24h"],
      ["file-out", "1h"],
    ]);
  });
});
