import { Command } from 'commander';
import { ConfigError, parseEnv } from '../config/env.ts';
import { createLogger } from '../observability/logger.ts';
import { startService } from '../service/service.ts';
import { addBacktestCommand } from './backtest-command.ts';
import { addDemoCommand } from './demo-command.ts';
import { addDigestCommand } from './digest-command.ts';
import { addGenerateCommand } from './generate-command.ts';
import { addReplayCommand } from './replay-command.ts';
import { addReportCommand } from './report-command.ts';
import { addSchemasCommand } from './schemas-command.ts';

async function run(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  const service = await startService(env, logger);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    service.stop().then(
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

const program = new Command('tidewatch').description('Churn and opportunity detector for relationship managers');

program
  .command('run')
  .description('consume transactions from Kafka and serve /healthz, /readyz and /metrics (configured by environment)')
  .action(run);

addDigestCommand(program);
addSchemasCommand(program);
addGenerateCommand(program);
addReplayCommand(program);
addReportCommand(program);
addBacktestCommand(program);
addDemoCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`tidewatch: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`tidewatch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
