import { defineConfig } from 'vitest/config';

// Unit tests of the pure core only, for `npm run mutate` (Stryker). The other unit suites (generate, replay,
// backtest, report, demo) drive the whole core through generated banks: they would cover every mutant and
// make each one take seconds, while what this measures is whether the core's own tests notice a change.
export default defineConfig({
  test: {
    include: ['test/unit/core/**/*.test.ts'],
    environment: 'node',
    // property tests (fast-check) on a loaded two-core machine; Stryker has its own per-mutant timeout
    testTimeout: 60_000,
  },
});
