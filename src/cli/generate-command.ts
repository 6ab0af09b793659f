import type { Command } from 'commander';
import { z } from 'zod';
import { ConfigError } from '../config/env.ts';
import { DAY_MS } from '../core/calendar.ts';
import { loadRules } from '../core/rules.ts';
import { drawBankProfile, familyDefaults } from '../generate/family.ts';
import { assertPeriodEndsBefore, bankDefaults, bankOptionsSchema, defaultRmCount, defaultStart, periodOf } from '../generate/options.ts';
import type { BankOptions } from '../generate/options.ts';
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
  currency: z.string().optional(),
  rules: z.string().min(1).optional(),
  churnShare: share.default(bankDefaults.churnShare),
  growShare: share.default(bankDefaults.growShare),
  trapShare: share.default(bankDefaults.trapShare),
  balanceScale: z.coerce.number().positive().default(bankDefaults.balanceScale),
  familySeed: wholeNumber.min(0).max(0xffff_ffff).optional(),
  bankIndex: wholeNumber.min(0).optional(),
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

type CliOptions = z.infer<typeof cliOptionsSchema>;

/** What a family bank takes from the command line: its size; everything else is the bank's own. */
const familyOwned = ['seed', 'currency', 'rules', 'churnShare', 'growShare', 'trapShare', 'balanceScale', 'goldFrom', 'platinumFrom', 'blackGoldFrom'] as const;

/** A bank of a family: drawn by drawBankProfile, with the command line's size (and a fixed default start). */
function familyBank(cli: CliOptions, raw: Record<string, unknown>): Pick<GenerateRequest, 'bank' | 'bankProfile'> {
  if (cli.familySeed === undefined || cli.bankIndex === undefined) throw new ConfigError('invalid options for generate:\n  --family-seed and --bank-index go together');
  const clash = familyOwned.find((key) => raw[key] !== undefined);
  if (clash !== undefined) throw new ConfigError(`invalid options for generate:\n  ${optionName(clash)}: a family bank draws its own (leave it out with --family-seed)`);
  const profile = drawBankProfile(cli.familySeed, cli.bankIndex, { customers: cli.customers, months: cli.months, start: cli.start ?? familyDefaults.start });
  const bank: BankOptions = { ...profile.options, rms: cli.rms ?? profile.options.rms };
  return { bank, bankProfile: { familySeed: cli.familySeed, index: cli.bankIndex, rulesPreset: profile.rulesPreset, description: profile.description } };
}

/** One bank from the command line's knobs; `--rules` brings its currency and served tiers (names and floors). */
function singleBank(cli: CliOptions, today: number): Pick<GenerateRequest, 'bank'> {
  const rules = cli.rules === undefined ? undefined : loadRules(cli.rules);
  const bank = bankOptionsSchema.safeParse({
    customers: cli.customers,
    months: cli.months,
    start: cli.start ?? defaultStart(cli.months, today),
    seed: cli.seed,
    currency: cli.currency ?? rules?.currency ?? bankDefaults.currency,
    churnShare: cli.churnShare,
    growShare: cli.growShare,
    trapShare: cli.trapShare,
    rms: cli.rms ?? defaultRmCount(cli.customers),
    tierFloorsMinor: { GOLD: major(cli.goldFrom), PLATINUM: major(cli.platinumFrom), BLACK_GOLD: major(cli.blackGoldFrom) },
    ...(rules === undefined ? {} : { servedTiers: rules.tiers.levels.map((level, index) => ({ name: level.name, floorMinor: index === 0 ? 0 : level.minAverageMinor })) }),
    ...(cli.balanceScale === bankDefaults.balanceScale ? {} : { balanceScale: cli.balanceScale }),
  });
  if (!bank.success) throw invalid(bank.error);
  return { bank: bank.data };
}

/** The command line's options, checked and completed with their defaults (start and RM count depend on others). */
export function parseGenerateOptions(raw: Record<string, unknown>, today: number): GenerateRequest {
  const parsed = cliOptionsSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const cli = parsed.data;
  if (cli.rate !== undefined && cli.to !== 'kafka') throw new ConfigError('invalid options for generate:\n  --rate: applies to --to kafka only');
  const inFamily = cli.familySeed !== undefined || cli.bankIndex !== undefined;
  const { bank, bankProfile } = inFamily ? familyBank(cli, raw) : { ...singleBank(cli, today), bankProfile: undefined };
  try {
    assertPeriodEndsBefore(periodOf(bank), today);
  } catch (error) {
    throw new ConfigError(`invalid options for generate:\n  --start: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { bank, out: cli.out, to: cli.to, rate: cli.rate ?? null, quiet: cli.quiet, ...(bankProfile === undefined ? {} : { bankProfile }) };
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
    .option('--seed <s>', `seed (0 .. 4294967295): the same options give the same bytes (default ${bankDefaults.seed})`)
    .option('--currency <code>', `ISO 4217 code on every record (default: the --rules file's, else ${bankDefaults.currency})`)
    .option('--rules <file>', "rules file whose currency and served tiers (names and floors) the bank uses (default: SILVER and the --*-from floors)")
    .option('--balance-scale <factor>', 'every amount and balance is the modelled one (CZK magnitudes) times this (default 1)')
    .option('--churn-share <share>', `share of customers who churn (0.08 or 8%; default ${bankDefaults.churnShare})`)
    .option('--grow-share <share>', `share of customers who grow (default ${bankDefaults.growShare})`)
    .option('--trap-share <share>', `share of customers whose pattern looks like leaving but is not (default ${bankDefaults.trapShare})`)
    .option('--family-seed <n>', 'write a bank of a generated family (with --bank-index): currency, rules preset, scale, mixes and habits drawn per bank')
    .option('--bank-index <i>', 'which bank of the family (0, 1, ...); --customers, --months, --start and --rms still apply (default start 2025-01-01)')
    .option('--rms <n>', 'number of relationship managers (default: customers / 250, at least 1)')
    .option('--gold-from <amount>', `typical balance (major units) from which a customer is served as GOLD (default ${bankDefaults.tierFloorsMinor.GOLD / 100})`)
    .option('--platinum-from <amount>', `... as PLATINUM (default ${bankDefaults.tierFloorsMinor.PLATINUM / 100})`)
    .option('--black-gold-from <amount>', `... as BLACK_GOLD (default ${bankDefaults.tierFloorsMinor.BLACK_GOLD / 100})`)
    .option('--to <target>', 'jsonl | kafka', 'jsonl')
    .option('--rate <events-per-second>', 'with --to kafka: transactions per second (default: as fast as the broker takes them)')
    .option('--quiet', 'no progress and no summary line')
    .action(generateCommand);
  return program;
}
