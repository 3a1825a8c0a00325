import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.spec.ts", "service/test/**/*.spec.ts"],
    // Fixture trees are read by the tests (the architecture check's sample repos), never run.
    exclude: [...configDefaults.exclude, "test/fixtures/**"],
    reporters: ["default", "./test/support/summaryReporter.mts"],
    // A temp root of the run's own, checked empty at the end (test/support/tempRoot.ts).
    globalSetup: ["./test/support/tempRoot.ts"],
    // Plans start the policy pack's process and real servers: give them room, never a speed target.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
