import type { Command } from 'commander';
import { z } from 'zod';
import { ConfigError } from '../config/env.ts';
import { DAY_MS } from '../core/calendar.ts';
import { assertPeriodEndsBefore, bankDefaults, bankOptionsSchema, defaultRmCount, defaultStart, periodOf } from '../generate/options.ts';
import { generate, outputTargets } from '../generate/run.ts';
import type { GenerateRequest } from '../generate/run.ts';
import { major } from '../generate/model.ts';

/** A share as a fraction (0.08) or a percentage (8%). */
const share = z
  .string()
  .transform((raw) => (raw.trim().endsWith('%') ? Number(raw.trim().slice(0, -1)) / 100 : Number(raw)))
  .pipe(z.number().min(0).max(1));

const wholeNumber = z.coerce.number().int();

/** What commander hands over: every value a string (or the quiet flag), checked here before anything runs. */
const cliOptionsSchema = z.object({
  customers: wholeNumber.default(bankDefaults.customers),
  months: wholeNumber.default(bankDefaults.months),
  start: z.string().optional(),
  seed: wholeNumber.default(bankDefaults.seed),
  currency: z.string().default(bankDefaults.currency),
  churnShare: share.default(bankDefaults.churnShare),
  growShare: share.default(bankDefaults.growShare),
  rms: wholeNumber.optional(),
  goldFrom: z.coerce.number().positive().default(bankDefaults.tierFloorsMinor.GOLD / 100),
  platinumFrom: z.coerce.number().positive().default(bankDefaults.tierFloorsMinor.PLATINUM / 100),
  blackGoldFrom: z.coerce.number().positive().default(bankDefaults.tierFloorsMinor.BLACK_GOLD / 100),
  out: z.string().min(1),
  to: z.enum(outputTargets).default('jsonl'),
  rate: z.coerce.number().positive().optional(),
  quiet: z.boolean().default(false),
});

const optionName = (key: PropertyKey | undefined) => `--${String(key ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

function invalid(error: z.ZodError): ConfigError {
  const problems = error.issues.map((issue) => `${optionName(issue.path[0])}: ${issue.message}`);
  return new ConfigError(`invalid options for generate:\n  ${problems.join('\n  ')}`);
}

/** The command line's options, checked and completed with their defaults (start and RM count depend on others). */
export function parseGenerateOptions(raw: Record<string, unknown>, today: number): GenerateRequest {
  const parsed = cliOptionsSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const cli = parsed.data;
  if (cli.rate !== undefined && cli.to !== 'kafka') throw new ConfigError('invalid options for generate:\n  --rate: applies to --to kafka only');
  const bank = bankOptionsSchema.safeParse({
    customers: cli.customers,
    months: cli.months,
    start: cli.start ?? defaultStart(cli.months, today),
    seed: cli.seed,
    currency: cli.currency,
    churnShare: cli.churnShare,
    growShare: cli.growShare,
    rms: cli.rms ?? defaultRmCount(cli.customers),
    tierFloorsMinor: { GOLD: major(cli.goldFrom), PLATINUM: major(cli.platinumFrom), BLACK_GOLD: major(cli.blackGoldFrom) },
  });
  if (!bank.success) throw invalid(bank.error);
  try {
    assertPeriodEndsBefore(periodOf(bank.data), today);
  } catch (error) {
    throw new ConfigError(`invalid options for generate:\n  --start: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { bank: bank.data, out: cli.out, to: cli.to, rate: cli.rate ?? null, quiet: cli.quiet };
}

async function generateCommand(raw: Record<string, unknown>): Promise<void> {
  const today = Math.floor(Date.now() / DAY_MS);
  const request = parseGenerateOptions(raw, today);
  await generate(request, {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
  });
}

/** Adds `generate` to the CLI: a seeded synthetic bank with labelled churners and growers, for replays and demos. */
export function addGenerateCommand(program: Command): Command {
  program
    .command('generate')
    .description(
      'generate a deterministic synthetic bank (customers, RMs, households, transactions) with labelled churn and growth, ' +
        'as JSON Lines or straight to Kafka (Avro through the registry, configured by environment like `run`)',
    )
    .requiredOption('--out <dir>', 'folder for profiles.jsonl, transactions.jsonl, products.jsonl, profile-updates.jsonl, labels.jsonl and manifest.json (with --to kafka: labels and manifest)')
    .option('--customers <n>', 'number of customers', String(bankDefaults.customers))
    .option('--months <m>', 'length of the period in months', String(bankDefaults.months))
    .option('--start <yyyy-mm-dd>', 'first day (default: whole months ending before today)')
    .option('--seed <s>', 'seed (0 .. 4294967295): the same options give the same bytes', String(bankDefaults.seed))
    .option('--currency <code>', 'ISO 4217 code on every record (amounts are modelled in CZK magnitudes)', bankDefaults.currency)
    .option('--churn-share <share>', 'share of customers who churn (0.08 or 8%)', String(bankDefaults.churnShare))
    .option('--grow-share <share>', 'share of customers who grow (0.05 or 5%)', String(bankDefaults.growShare))
    .option('--rms <n>', 'number of relationship managers (default: customers / 250, at least 1)')
    .option('--gold-from <amount>', 'typical balance (major units) from which a customer is served as GOLD', String(bankDefaults.tierFloorsMinor.GOLD / 100))
    .option('--platinum-from <amount>', '... as PLATINUM', String(bankDefaults.tierFloorsMinor.PLATINUM / 100))
    .option('--black-gold-from <amount>', '... as BLACK_GOLD', String(bankDefaults.tierFloorsMinor.BLACK_GOLD / 100))
    .option('--to <target>', 'jsonl | kafka', 'jsonl')
    .option('--rate <events-per-second>', 'with --to kafka: transactions per second (default: as fast as the broker takes them)')
    .option('--quiet', 'no progress and no summary line')
    .action(generateCommand);
  return program;
}
