import type { Command } from 'commander';
import { parseEnv } from '../config/env.ts';
import { startDigestStage } from '../digest/stage.ts';
import { createLogger } from '../observability/logger.ts';

/** Runs the digest stage until SIGTERM or SIGINT, then stops it gracefully. */
async function digestCommand(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL, 'tidewatch-digest');
  const stage = await startDigestStage(env, logger);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stage.stop().then(
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

/** Adds `digest` to the CLI. */
export function addDigestCommand(program: Command): Command {
  program
    .command('digest')
    .description(
      "batch routine RM alerts into one ranked digest per RM at the rules' flush times (rules `digest`); a second consumer group on the routine topic, configured by environment",
    )
    .action(digestCommand);
  return program;
}
