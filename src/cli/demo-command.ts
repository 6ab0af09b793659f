import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { BankOptionsError, DEFAULT_START, bankOptionsOf } from '../backtest/bank-options.ts';
import { ConfigError } from '../config/env.ts';
import { DAY_MS } from '../core/calendar.ts';
import { demoDefaults } from '../demo/defaults.ts';
import { runDemo } from '../demo/run.ts';
import { assertWritable } from '../generate/output-file.ts';
import { assertReadableFile } from './readable.ts';
import type { DemoRequest } from '../demo/run.ts';

const shippedRules = fileURLToPath(new URL('../../rules/default.yaml', import.meta.url));
const wholeNumber = z.coerce.number().int();

const cliOptionsSchema = z.object({
  customers: wholeNumber.min(1).max(20_000).default(demoDefaults.customers),
  months: wholeNumber.min(1).max(36).default(demoDefaults.months),
  start: z.string().optional(),
  seed: wholeNumber.default(demoDefaults.seed),
  out: z.string().min(1).default(demoDefaults.out),
  maxAlerts: wholeNumber.min(0).max(10_000).default(demoDefaults.maxAlerts),
  rules: z.string().min(1).optional(),
});

const optionName = (key: PropertyKey | undefined) => `--${String(key ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export function parseDemoOptions(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, today: number): DemoRequest {
  const parsed = cliOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`invalid options for demo:\n  ${parsed.error.issues.map((issue) => `${optionName(issue.path[0])}: ${issue.message}`).join('\n  ')}`);
  }
  const cli = parsed.data;
  try {
    return {
      bank: bankOptionsOf(
        { customers: cli.customers, months: cli.months, start: cli.start, seed: cli.seed, rms: Math.max(1, Math.round(cli.customers / demoDefaults.customersPerRm)) },
        today,
      ),
      rulesFile: cli.rules ?? env['TIDEWATCH_RULES_FILE'] ?? shippedRules,
      out: cli.out,
      maxAlerts: cli.maxAlerts,
    };
  } catch (error) {
    if (error instanceof BankOptionsError) throw new ConfigError(`invalid options for demo:\n  ${error.message}`);
    throw error;
  }
}

async function demoCommand(raw: Record<string, unknown>): Promise<void> {
  const request = parseDemoOptions(raw, process.env, Math.floor(Date.now() / DAY_MS));
  await assertReadableFile(request.rulesFile, '--rules');
  await assertWritable([request.out]);
  await runDemo(request, { stdout: (text) => process.stdout.write(text) });
}

/** Adds `demo` to the CLI: the whole detector on a small generated bank, in memory, in seconds. */
export function addDemoCommand(program: Command): Command {
  program
    .command('demo')
    .description(
      'generate a small labelled bank in memory, replay it through the detector (no Kafka, registry or Redis), print the most ' +
        'important alerts as they fire, the summary and the backtest headline, and write the HTML report',
    )
    .option('--customers <n>', `customers (default ${demoDefaults.customers})`)
    .option('--months <m>', `months (default ${demoDefaults.months})`)
    .option('--start <yyyy-mm-dd>', `first day (default ${DEFAULT_START})`)
    .option('--seed <s>', `seed (default ${demoDefaults.seed})`)
    .option('--out <file>', `the HTML report (default ${demoDefaults.out})`)
    .option('--max-alerts <n>', `urgent and high alerts printed as they fire, at most (default ${demoDefaults.maxAlerts})`)
    .option('--rules <file>', 'rules file (default: $TIDEWATCH_RULES_FILE, else the shipped rules/default.yaml)')
    .action(demoCommand);
  return program;
}
