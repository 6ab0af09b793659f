import type { Logger } from '../observability/logger.ts';

export interface StopStep {
  /** What the step does, as logged when the deadline leaves it unfinished. */
  name: string;
  run(): Promise<unknown>;
  /** After the deadline: drop the connection without waiting (no reconnects keep the process alive). */
  abandon?(): void;
}

export class StopDeadlineError extends Error {
  override readonly name = 'StopDeadlineError';
  constructor(
    readonly deadlineMs: number,
    readonly left: readonly string[],
  ) {
    super(`stopping took longer than ${deadlineMs} ms; left: ${left.join(', ')}`);
  }
}

/**
 * Runs the steps of a graceful stop in order, within `deadlineMs` in all. Past the deadline the unfinished steps (the
 * one running and those after it) are logged with `context` (e.g. the batches in hand), every step's `abandon` is
 * called, and the returned promise rejects with a StopDeadlineError, so that the caller exits non-zero before the
 * orchestrator's grace period runs out and it kills the process without a word.
 */
export async function stopWithin(deadlineMs: number, steps: readonly StopStep[], logger: Logger, context: () => Record<string, unknown> = () => ({})): Promise<void> {
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolveExpired) => {
    timer = setTimeout(() => resolveExpired('expired'), deadlineMs);
  });
  const run = (async () => {
    for (; next < steps.length; next += 1) await steps[next]!.run();
    return 'done' as const;
  })();
  try {
    if ((await Promise.race([run, expired])) === 'done') return;
  } finally {
    clearTimeout(timer);
  }
  const left = steps.slice(next).map((step) => step.name);
  logger.error({ deadlineMs, left, ...context() }, 'stop deadline passed; exiting with work left');
  for (const step of steps) step.abandon?.();
  // the hung step may still reject later: nobody waits for it any more
  run.catch(() => undefined);
  throw new StopDeadlineError(deadlineMs, left);
}
