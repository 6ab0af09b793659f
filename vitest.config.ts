import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          // unit first (seconds), then integration: a broken core fails fast
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // vitest's 5 s (10 s for hooks) failed CI runs on a busy 2-core machine with no code change. Files doing
          // real work (generation, replay, backtest, property runs, spawned CLIs) set their own, larger timeouts;
          // these are the floor for everything else, and for the fixtures their beforeAll hooks build.
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // Real Kafka, registry and Redis: from the environment, testcontainers or scripts/local-stack.
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // two cores: suites share one broker, so run at most two files at a time
          maxWorkers: 2,
        },
      },
    ],
  },
});
