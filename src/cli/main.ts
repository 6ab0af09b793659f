import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { redactSecrets } from '../adapters/unreachable.ts';
import { parseEnv } from '../config/env.ts';
import { createLogger } from '../observability/logger.ts';
import { startService } from '../service/service.ts';
import { addBacktestCommand } from './backtest-command.ts';
import { addDemoCommand } from './demo-command.ts';
import { addDigestCommand } from './digest-command.ts';
import { addGenerateCommand } from './generate-command.ts';
import { addRebuildCommand } from './rebuild-command.ts';
import { addReplayCommand } from './replay-command.ts';
import { addReportCommand } from './report-command.ts';
import { addSchemasCommand } from './schemas-command.ts';
import { expectedErrorLine } from './expected-errors.ts';
import { stopOnSignal } from './stop-on-signal.ts';
import { addTrainCommand } from './train-command.ts';

// a reader that stops early (`tidewatch replay --out - | head -1`) is no failure: stop quietly
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/** package.json sits two levels up from src/cli and from dist/cli alike. */
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

async function run(): Promise<void> {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  stopOnSignal(await startService(env, logger), logger);
}

const program = new Command('tidewatch').description('Churn and opportunity detector for relationship managers').version(version, '-V, --version');

program
  .command('run')
  .description('consume transactions from Kafka and serve /healthz, /readyz and /metrics (configured by environment)')
  .action(run);

addDigestCommand(program);
addSchemasCommand(program);
addGenerateCommand(program);
addReplayCommand(program);
addRebuildCommand(program);
addReportCommand(program);
addBacktestCommand(program);
addDemoCommand(program);
addTrainCommand(program);

// expected failures (bad input, unwritable output, a dependency that does not answer): one line, exit 2;
// anything else is a bug: its stack, exit 1. Passwords in URLs are replaced either way.
program.parseAsync(process.argv).catch((error: unknown) => {
  const expected = expectedErrorLine(error, process.env);
  if (expected !== undefined) {
    process.stderr.write(`tidewatch: ${expected}\n`);
    process.exit(2);
  }
  process.stderr.write(`tidewatch: ${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
  process.exit(1);
});
