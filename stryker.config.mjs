// @ts-check
// Mutation testing of the pure core against its unit tests: `npm run mutate` (see README, "Mutation testing").
// One file: `npm run mutate -- --mutate src/core/churn.ts`. Not part of `npm test`: it runs the core's unit tests
// once per mutant and takes from minutes (one file) to an hour (the whole core) on two cores.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  // each mutant runs only the tests that executed its code
  coverageAnalysis: 'perTest',
  mutate: ['src/core/**/*.ts'],
  // two cores shared with Kafka, Redis and other work: two vitest workers, one thread each
  concurrency: 2,
  // a loaded machine: do not call a slow test run an infinite loop
  timeoutMS: 20_000,
  timeoutFactor: 3,
  // reuse the results of mutants whose code and covering tests did not change since the last run
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  // the sandbox is a copy of the project: leave out what the core's unit tests never read
  ignorePatterns: ['dist', 'coverage', 'reports', '.local-stack', '.stryker-tmp', 'k8s', 'deploy', 'bench', 'avro', '*.log'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { allowColor: false, reportMutants: false, reportTests: false, reportScoreTable: true },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
};

export default config;
