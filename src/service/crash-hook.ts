/**
 * TEST ONLY: a deterministic kill -9 for the fault suite (`npm run chaos`, test/integration/chaos-fast.test.ts).
 * `TIDEWATCH_TEST_CRASH_AT=<point>:<n>` makes the process SIGKILL itself the n-th time it reaches <point>:
 * `after-store` (states and outboxes written, nothing published) or `after-publish` (alerts and dead letters
 * acknowledged by Kafka, offsets not committed). Unset, as in production, it costs one comparison per batch.
 */
export const crashPoints = ['after-store', 'after-publish'] as const;
export type CrashPoint = (typeof crashPoints)[number];

interface CrashPlan {
  point: CrashPoint;
  remaining: number;
}

export function parseCrashPlan(raw: string | undefined): CrashPlan | undefined {
  if (raw === undefined || raw === '') return undefined;
  const match = /^([a-z-]+):([1-9][0-9]*)$/.exec(raw);
  const point = crashPoints.find((candidate) => candidate === match?.[1]);
  if (match === null || point === undefined) {
    throw new Error(`TIDEWATCH_TEST_CRASH_AT=${raw}: expected <${crashPoints.join('|')}>:<n> (n ≥ 1); a test-only setting`);
  }
  return { point, remaining: Number(match[2]) };
}

const plan = parseCrashPlan(process.env.TIDEWATCH_TEST_CRASH_AT);

/** Counts a pass through `point`; SIGKILLs this process on the planned one. */
export function crashPoint(point: CrashPoint): void {
  if (plan === undefined || plan.point !== point) return;
  plan.remaining -= 1;
  if (plan.remaining === 0) process.kill(process.pid, 'SIGKILL');
}
