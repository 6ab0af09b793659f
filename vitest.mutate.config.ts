import { defineConfig } from 'vitest/config';

// Unit tests of the pure core only, for `npm run mutate` (Stryker). The other unit suites (generate, replay,
// backtest, report, demo) drive the whole core through generated banks: they would cover every mutant and
// make each one take seconds, while what this measures is whether the core's own tests notice a change. The
// property tests (fast-check, seconds each: hundreds of random streams) are left out too: every mutant they cover
// would run them. A mutant only a property test would notice counts as surviving: the score is a lower bound.
export default defineConfig({
  test: {
    include: ['test/unit/core/**/*.test.ts'],
    exclude: ['**/*.property.test.ts'],
    environment: 'node',
    // one module graph per worker across Stryker's runs: a mutant is switched on at run time, not by reloading
    isolate: false,
    // a loaded two-core machine; Stryker has its own per-mutant timeout
    testTimeout: 60_000,
  },
});
