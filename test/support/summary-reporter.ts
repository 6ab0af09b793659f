import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';

/**
 * Ends the run with one plain line, "tests: N passed, N failed, N skipped", that CI systems read without
 * knowing vitest's own summary format. A suite file skipped as a whole (no services) counts as one skipped,
 * and a run that failed outside any test (a global setup error) counts as one failed, so the line never
 * reads as clean when the run was not.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>, reason: TestRunEndReason): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      const tests = [...module.children.allTests()];
      if (tests.length === 0 && module.state() === 'skipped') counts.skipped += 1;
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }
    }
    counts.failed += unhandledErrors.length;
    if (reason === 'failed' && counts.failed === 0) counts.failed = 1;
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
