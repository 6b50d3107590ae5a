import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "apps/*/src/**/*.test.{ts,tsx}",
      "packages/*/src/**/*.test.ts",
      "bench/**/*.test.ts",
      "tools/**/*.test.ts",
    ],
    globalSetup: ["packages/db/src/testing/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest's default for `run` is one worker less than the cores: on a 2-core machine one file
    // at a time, while most heavy files wait on child processes, PostgreSQL, leases or sockets.
    // At least two files at once (each on its own database, ports from freePort): ten heavy
    // files 246 -> 109 s wall, 78 -> 67 s CPU, on 2 cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
