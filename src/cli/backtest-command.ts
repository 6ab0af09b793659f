import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { BankOptionsError, DEFAULT_START, bankOptionsOf, shareOption } from '../backtest/bank-options.ts';
import { BankSourceError } from '../backtest/bank-source.ts';
import type { BankSource } from '../backtest/bank-source.ts';
import { defaultWindow } from '../backtest/outcome-map.ts';
import { runBacktest } from '../backtest/run.ts';
import { DEFAULT_WORKERS_CAP, MAX_WORKERS, defaultWorkerCount } from '../replay/parallel/coordinator.ts';
import { runFamilyBacktest } from '../backtest/family.ts';
import type { FamilyBacktestRequest } from '../backtest/family.ts';
import type { BacktestRequest } from '../backtest/run.ts';
import { ConfigError } from '../config/env.ts';
import { DAY_MS } from '../core/calendar.ts';
import { bankDefaults } from '../generate/options.ts';
import { assertWritable } from '../generate/output-file.ts';
import { assertReadableFile } from './readable.ts';

const shippedRules = fileURLToPath(new URL('../../rules/default.yaml', import.meta.url));
const wholeNumber = z.coerce.number().int();

/** What commander hands over (strings and flags), checked before anything runs. */
const cliOptionsSchema = z.object({
  input: z.string().min(1).optional(),
  customers: wholeNumber.default(bankDefaults.customers),
  months: wholeNumber.default(bankDefaults.months),
  start: z.string().optional(),
  seed: wholeNumber.default(bankDefaults.seed),
  churnShare: shareOption.optional(),
  growShare: shareOption.optional(),
  rms: wholeNumber.optional(),
  rules: z.string().min(1).optional(),
  windowBeforeDays: wholeNumber.min(0).max(730).default(defaultWindow.beforeDays),
  windowAfterDays: wholeNumber.min(0).max(730).default(defaultWindow.afterDays),
  json: z.string().min(1).optional(),
  report: z.string().min(1).optional(),
  alertsOut: z.string().min(1).optional(),
  workers: wholeNumber.min(1).max(MAX_WORKERS).optional(),
  quiet: z.boolean().default(false),
});

const optionName = (key: PropertyKey | undefined) => `--${String(key ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
const GENERATOR_OPTIONS = ['customers', 'months', 'start', 'seed', 'churnShare', 'growShare', 'rms'] as const;

export function parseBacktestOptions(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, today: number): BacktestRequest {
  const parsed = cliOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`invalid options for backtest:\n  ${parsed.error.issues.map((issue) => `${optionName(issue.path[0])}: ${issue.message}`).join('\n  ')}`);
  }
  const cli = parsed.data;
  let source: BankSource;
  if (cli.input !== undefined) {
    const clash = GENERATOR_OPTIONS.find((key) => raw[key] !== undefined);
    if (clash !== undefined) throw new ConfigError(`invalid options for backtest:\n  ${optionName(clash)}: applies to a generated bank, not to --input`);
    source = { kind: 'folder', path: cli.input };
  } else {
    try {
      source = { kind: 'generated', bank: bankOptionsOf(cli, today) };
    } catch (error) {
      if (error instanceof BankOptionsError) throw new ConfigError(`invalid options for backtest:\n  ${error.message}`);
      throw error;
    }
  }
  return {
    source,
    rulesFile: cli.rules ?? env['TIDEWATCH_RULES_FILE'] ?? shippedRules,
    window: { beforeDays: cli.windowBeforeDays, afterDays: cli.windowAfterDays },
    json: cli.json ?? null,
    report: cli.report ?? null,
    alertsOut: cli.alertsOut ?? null,
    workers: cli.workers ?? defaultWorkerCount(),
    quiet: cli.quiet,
  };
}

const familyOptionsSchema = z
  .object({
    familySeed: wholeNumber.min(0),
    banks: wholeNumber.min(2).max(100).default(6),
    fit: wholeNumber.min(1).default(2),
    customers: wholeNumber.min(1).optional(),
    months: wholeNumber.min(1).max(120).optional(),
    json: z.string().min(1).optional(),
    scorecardOut: z.string().min(1).optional(),
    scorecard: z.string().min(1).optional(),
    alertsOut: z.string().min(1).optional(),
    workers: wholeNumber.min(1).max(MAX_WORKERS).optional(),
    quiet: z.boolean().default(false),
  })
  .refine((options) => options.fit < options.banks, { message: 'must leave at least one bank to report on', path: ['fit'] });

const SINGLE_BANK_OPTIONS = ['input', 'seed', 'start', 'churnShare', 'growShare', 'rms', 'rules', 'windowBeforeDays', 'windowAfterDays', 'report'] as const;

/** `--family-seed`: the options of a backtest over a family of generated banks. */
export function parseFamilyOptions(raw: Record<string, unknown>): FamilyBacktestRequest {
  const clash = SINGLE_BANK_OPTIONS.find((key) => raw[key] !== undefined);
  if (clash !== undefined) throw new ConfigError(`invalid options for backtest:\n  ${optionName(clash)}: applies to a single bank, not to --family-seed (each family bank has its own rules preset)`);
  const parsed = familyOptionsSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid options for backtest:\n  ${parsed.error.issues.map((issue) => `${optionName(issue.path[0])}: ${issue.message}`).join('\n  ')}`);
  const cli = parsed.data;
  return {
    familySeed: cli.familySeed,
    banks: cli.banks,
    fit: cli.fit,
    size: { ...(cli.customers === undefined ? {} : { customers: cli.customers }), ...(cli.months === undefined ? {} : { months: cli.months }) },
    json: cli.json ?? null,
    scorecardOut: cli.scorecardOut ?? null,
    scorecard: cli.scorecard ?? null,
    alertsOut: cli.alertsOut ?? null,
    workers: cli.workers ?? defaultWorkerCount(),
    quiet: cli.quiet,
  };
}

async function backtestCommand(raw: Record<string, unknown>): Promise<void> {
  const streams = { stdout: (text: string) => process.stdout.write(text), stderr: (text: string) => process.stderr.write(text) };
  if (raw['familySeed'] !== undefined) {
    await runFamilyBacktest(parseFamilyOptions(raw), streams);
    return;
  }
  const request = parseBacktestOptions(raw, process.env, Math.floor(Date.now() / DAY_MS));
  await assertReadableFile(request.rulesFile, '--rules');
  await assertWritable([request.json, request.report, request.alertsOut ?? null]);
  try {
    await runBacktest(request, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      stderrIsTTY: process.stderr.isTTY === true,
    });
  } catch (error) {
    if (error instanceof BankSourceError) throw new ConfigError(error.message);
    throw error;
  }
}

/** Adds `backtest` to the CLI: the rules judged against a labelled bank, per alert kind. */
export function addBacktestCommand(program: Command): Command {
  program
    .command('backtest')
    .description(
      'replay a labelled bank in memory (generated, or a folder from `tidewatch generate`) and print, per alert kind, ' +
        'precision, recall and lead time against the labels, and the alerts per RM per week: the table to tune the rules with',
    )
    .option('--input <dir>', 'a folder written by `tidewatch generate` (profiles.jsonl, transactions.jsonl, labels.jsonl); default: generate one in memory')
    .option('--customers <n>', `customers of the generated bank (default ${bankDefaults.customers})`)
    .option('--months <m>', `months of the generated bank (default ${bankDefaults.months})`)
    .option('--start <yyyy-mm-dd>', `first day of the generated bank (default ${DEFAULT_START})`)
    .option('--seed <s>', `seed of the generated bank (default ${bankDefaults.seed})`)
    .option('--churn-share <share>', `share of churning customers (default ${bankDefaults.churnShare})`)
    .option('--grow-share <share>', `share of growing customers (default ${bankDefaults.growShare})`)
    .option('--rms <n>', 'relationship managers (default: customers / 250)')
    .option('--rules <file>', 'rules file (default: $TIDEWATCH_RULES_FILE, else the shipped rules/default.yaml)')
    .option('--window-before-days <n>', `an alert counts for a label from this many days before its date (default ${defaultWindow.beforeDays})`)
    .option('--window-after-days <n>', `... to this many days after it (default ${defaultWindow.afterDays})`)
    .option('--json <file>', 'the result as JSON')
    .option('--report <file>', 'also write the HTML report (with the backtest table)')
    .option('--alerts-out <file>', 'every RM churn alert as JSON Lines with what became of its customer: timely (and right), early, late, trap or stayed')
    .option('--workers <n>', `worker threads for the replay, customers split by household, same result as one (default: the CPUs, at most ${DEFAULT_WORKERS_CAP})`)
    .option('--family-seed <s>', 'instead: a family of different generated banks (each with its own rules preset): fit on some, report on the others')
    .option('--banks <n>', 'banks of the family (default 6)')
    .option('--fit <k>', 'the first k banks are fitted on (tidewatch train), the others reported on (default 2)')
    .option('--scorecard-out <file>', 'with --family-seed: also write the scorecard fitted on the first k banks')
    .option('--scorecard <file>', 'with --family-seed: judge this scorecard instead of fitting one (the first k banks are still left out)')
    .option('--quiet', 'no progress and no table')
    .action(backtestCommand);
  return program;
}
