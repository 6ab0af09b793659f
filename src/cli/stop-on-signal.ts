import type { Logger } from '../observability/logger.ts';

/**
 * Keeps a long-running process (`run`, `digest`) until SIGTERM or SIGINT, then stops it gracefully: exit 0 once it
 * has stopped, 1 if stopping failed. A second signal while stopping changes nothing.
 */
export function stopOnSignal(running: { stop(): Promise<void> }, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: String(error) }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
