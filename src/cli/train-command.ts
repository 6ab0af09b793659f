import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { BankSourceError } from '../backtest/bank-source.ts';
import { ConfigError } from '../config/env.ts';
import { drawBankProfile } from '../generate/family.ts';
import { defaultFit } from '../train/fit.ts';
import { defaultOutcome } from '../train/outcome.ts';
import { TrainError, trainOn } from '../train/run.ts';
import type { HistoryBank, TrainRequest } from '../train/run.ts';

const shippedRules = fileURLToPath(new URL('../../rules/default.yaml', import.meta.url));
const wholeNumber = z.coerce.number().int();

const cliOptionsSchema = z.object({
  input: z.array(z.string().min(1)).default([]),
  familySeed: wholeNumber.min(0).optional(),
  banks: wholeNumber.min(1).max(100).optional(),
  customers: wholeNumber.min(1).optional(),
  months: wholeNumber.min(1).max(120).optional(),
  rules: z.string().min(1).optional(),
  horizonDays: wholeNumber.min(7).max(730).default(90),
  moneyGoneShareBp: wholeNumber.min(1).max(10_000).default(defaultOutcome.moneyGoneShareBp),
  moneyGoneDays: wholeNumber.min(1).max(365).default(defaultOutcome.moneyGoneDays),
  inactiveDays: wholeNumber.min(1).max(730).default(defaultOutcome.inactiveDays),
  everyDays: wholeNumber.min(1).max(90).default(7),
  holdoutBanks: wholeNumber.min(0).default(0),
  fitShare: z.coerce.number().gt(0).lt(1).default(0.6),
  out: z.string().min(1).optional(),
  quiet: z.boolean().default(false),
});

const optionName = (key: PropertyKey | undefined) => `--${String(key ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export function parseTrainOptions(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): TrainRequest {
  const parsed = cliOptionsSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid options for train:\n  ${parsed.error.issues.map((issue) => `${optionName(issue.path[0])}: ${issue.message}`).join('\n  ')}`);
  const cli = parsed.data;
  const family = cli.familySeed !== undefined;
  if (family === (cli.input.length > 0)) throw new ConfigError('invalid options for train:\n  give --input DIR (repeatable) or --family-seed S --banks N, one of the two');
  if (!family && (cli.banks !== undefined || cli.customers !== undefined || cli.months !== undefined)) throw new ConfigError('invalid options for train:\n  --banks, --customers and --months apply to --family-seed');
  if (family && cli.rules !== undefined) throw new ConfigError('invalid options for train:\n  --rules: a family bank is replayed with its own rules preset');
  const banks: HistoryBank[] = family
    ? Array.from({ length: cli.banks ?? 1 }, (_, index) => {
        const size = { ...(cli.customers === undefined ? {} : { customers: cli.customers }), ...(cli.months === undefined ? {} : { months: cli.months }) };
        const profile = drawBankProfile(cli.familySeed!, index, size);
        return { source: { kind: 'generated' as const, bank: profile.options, description: profile.description }, rulesFile: profile.rulesFile };
      })
    : cli.input.map((path) => ({ source: { kind: 'folder' as const, path }, rulesFile: cli.rules ?? env['TIDEWATCH_RULES_FILE'] ?? shippedRules }));
  return {
    banks,
    horizonDays: cli.horizonDays,
    outcome: { moneyGoneShareBp: cli.moneyGoneShareBp, moneyGoneDays: cli.moneyGoneDays, inactiveDays: cli.inactiveDays },
    everyDays: cli.everyDays,
    fit: defaultFit,
    holdoutBanks: cli.holdoutBanks,
    fitShare: cli.fitShare,
    out: cli.out ?? null,
    quiet: cli.quiet,
    ...(family ? { sourceName: `generated family ${cli.familySeed}` } : {}),
  };
}

async function trainCommand(raw: Record<string, unknown>): Promise<void> {
  const request = parseTrainOptions(raw, process.env);
  try {
    await trainOn(request, { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
  } catch (error) {
    if (error instanceof BankSourceError || error instanceof TrainError) throw new ConfigError(error.message);
    throw error;
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds `train` to the CLI: a churn scorecard fitted on a replayed history, its outcome derived from what happened later. */
export function addTrainCommand(program: Command): Command {
  program
    .command('train')
    .description(
      'replay a bank history in memory, derive each customer\'s end of relationship from their own later postings (no labels), ' +
        'fit a churn scorecard on the earlier part and judge it on a later slice (or other banks); writes the scorecard file the rules name',
    )
    .option('--input <dir>', 'a folder written by `tidewatch generate` or exported from the bank (repeatable)', collect)
    .option('--family-seed <s>', 'instead: generated banks of this family (each with its own rules preset)')
    .option('--banks <n>', 'banks of the family (default 1)')
    .option('--customers <n>', 'customers per family bank (default: the family default)')
    .option('--months <m>', 'months per family bank (default: the family default)')
    .option('--rules <file>', 'rules file for --input (default: $TIDEWATCH_RULES_FILE, else the shipped rules/default.yaml)')
    .option('--horizon-days <n>', 'the score is the chance that the relationship ends within this many days (default 90)')
    .option('--money-gone-share-bp <bp>', `end: the close stays below this share of the customer's 90-day average... (default ${defaultOutcome.moneyGoneShareBp})`)
    .option('--money-gone-days <n>', `... for this many days (default ${defaultOutcome.moneyGoneDays})`)
    .option('--inactive-days <n>', `end: no customer-initiated transaction for this many days (default ${defaultOutcome.inactiveDays})`)
    .option('--every-days <n>', 'sample a customer at most once per this many days (default 7)')
    .option('--holdout-banks <n>', 'judge on the last n banks (fitted on the others) instead of a later time slice (default 0)')
    .option('--fit-share <share>', 'time split: the share of each bank\'s labelable days fitted on (default 0.6)')
    .option('--out <file>', 'write the scorecard file (validated; same history, same bytes)')
    .option('--quiet', 'no progress and no summary')
    .action(trainCommand);
  return program;
}
