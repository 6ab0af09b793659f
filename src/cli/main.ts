import { Command } from 'commander';
import { ConfigError, parseEnv } from '../config/env.ts';
import { ServiceConnectionError } from '../adapters/connection-error.ts';
import { createLogger } from '../observability/logger.ts';
import { startService } from '../service/service.ts';
import { addBacktestCommand } from './backtest-command.ts';
import { addDemoCommand } from './demo-command.ts';
import { addDigestCommand } from './digest-command.ts';
import { addGenerateCommand } from './generate-command.ts';
import { addReplayCommand } from './replay-command.ts';
import { addReportCommand } from './report-command.ts';
import { addSchemasCommand } from './schemas-command.ts';
import { stopOnSignal } from './stop-on-signal.ts';
import { addTrainCommand } from './train-command.ts';

async function run(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  stopOnSignal(await startService(env, logger), logger);
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
addTrainCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ServiceConnectionError) {
    process.stderr.write(`tidewatch: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`tidewatch: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
