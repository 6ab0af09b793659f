/**
 * TEST ONLY: a deterministic kill -9 for the fault suite (`npm run chaos`, test/integration/chaos-fast.test.ts).
 * `TIDEWATCH_TEST_CRASH_AT=<point>:<n>` makes the process SIGKILL itself the n-th time it reaches <point>:
 * `after-store` (states and outboxes written, nothing published) or `after-publish` (alerts and dead letters
 * acknowledged by Kafka, offsets not committed). Unset, as in production, it costs one comparison per batch.
 *
 * `TIDEWATCH_TEST_STALL_AT=before-store` makes it SIGSTOP itself instead, once, when the first transaction unit
 * after the process received SIGUSR2 is about to write its states (test/integration/stalled-owner.test.ts): a stalled
 * owner with a unit in hand, which goes on where it stopped on SIGCONT. Armed by a signal because a test cannot know
 * in advance how many units the records before it make.
 */
export const crashPoints = ['after-store', 'after-publish'] as const;
export type CrashPoint = (typeof crashPoints)[number];
export const stallPoints = ['before-store'] as const;
export type StallPoint = (typeof stallPoints)[number];

interface HookPlan<P extends string> {
  point: P;
  remaining: number;
}

function parseHookPlan<P extends string>(variable: string, points: readonly P[], raw: string | undefined): HookPlan<P> | undefined {
  if (raw === undefined || raw === '') return undefined;
  const match = /^([a-z-]+):([1-9][0-9]*)$/.exec(raw);
  const point = points.find((candidate) => candidate === match?.[1]);
  if (match === null || point === undefined) {
    throw new Error(`${variable}=${raw}: expected <${points.join('|')}>:<n> (n ≥ 1); a test-only setting`);
  }
  return { point, remaining: Number(match[2]) };
}

export function parseCrashPlan(raw: string | undefined): HookPlan<CrashPoint> | undefined {
  return parseHookPlan('TIDEWATCH_TEST_CRASH_AT', crashPoints, raw);
}

/** The stall point named, or undefined when unset. */
export function parseStallPoint(raw: string | undefined): StallPoint | undefined {
  if (raw === undefined || raw === '') return undefined;
  const point = stallPoints.find((candidate) => candidate === raw);
  if (point === undefined) throw new Error(`TIDEWATCH_TEST_STALL_AT=${raw}: expected ${stallPoints.join('|')}; a test-only setting`);
  return point;
}

const plan = parseCrashPlan(process.env.TIDEWATCH_TEST_CRASH_AT);
const stallAt = parseStallPoint(process.env.TIDEWATCH_TEST_STALL_AT);
let stallArmed = false;
if (stallAt !== undefined) process.on('SIGUSR2', () => (stallArmed = true));

/** Counts a pass through `point`; SIGKILLs this process on the planned one. */
export function crashPoint(point: CrashPoint): void {
  if (plan === undefined || plan.point !== point) return;
  plan.remaining -= 1;
  if (plan.remaining === 0) process.kill(process.pid, 'SIGKILL');
}

/** SIGSTOPs this process at `point` once it has been armed (SIGUSR2); it resumes here on SIGCONT. */
export function stallPoint(point: StallPoint): void {
  if (!stallArmed || stallAt !== point) return;
  stallArmed = false;
  process.kill(process.pid, 'SIGSTOP');
}
