import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.spec.ts", "service/test/**/*.spec.ts"],
    reporters: ["default", "./test/support/summaryReporter.mts"],
    // Plans start the policy pack's process and real servers: give them room, never a speed target.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
