import type { Logger } from '../observability/logger.ts';

export interface TimerLoop {
  /** Waits for a sweep in progress to finish. */
  stop(): Promise<void>;
}

/** Runs `sweep` every interval, never two at once; a failed sweep is logged and retried at the next tick. */
export function startTimerLoop(options: { intervalMs: number; logger: Logger; sweep: () => Promise<void> }): TimerLoop {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped || running !== undefined) return;
    running = options
      .sweep()
      .catch((error: unknown) => options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'timer sweep failed; retrying next tick'))
      .finally(() => {
        running = undefined;
      });
  };
  const interval = setInterval(tick, options.intervalMs);
  interval.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(interval);
      await running;
    },
  };
}
