import type { Command } from 'commander';
import { parseEnv } from '../config/env.ts';
import { startDigestStage } from '../digest/stage.ts';
import { createLogger } from '../observability/logger.ts';
import { stopOnSignal } from './stop-on-signal.ts';

/** Runs the digest stage until SIGTERM or SIGINT, then stops it gracefully. */
async function digestCommand(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL, 'tidewatch-digest');
  stopOnSignal(await startDigestStage(env, logger), logger);
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
