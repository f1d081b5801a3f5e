import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    // Generous: several tests start CLI or worker processes, slow on a loaded two-core machine.
    testTimeout: 45_000,
    hookTimeout: 60_000,
    // Test files run in parallel, each on its own database; two cores, so keep the pool small.
    maxWorkers: 2,
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
