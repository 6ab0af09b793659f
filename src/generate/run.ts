import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isoDateOf } from '../core/calendar.ts';
import { SyntheticBank } from './bank.ts';
import { DAY_MS } from './calendar.ts';
import { parseGeneratorKafkaEnv } from './kafka-env.ts';
import { labelPatterns, labelSchema } from './labels.ts';
import type { LabelPattern } from './labels.ts';
import { JsonLinesFile } from './jsonl-file.ts';
import { outputError, writeOutputFile } from './output-file.ts';
import { manifestSchema } from './manifest.ts';
import type { Manifest } from './manifest.ts';
import { personas } from './model.ts';
import type { BankOptions } from './options.ts';
import { servedTiersOf } from './options.ts';
import { Progress, formatCount } from './progress.ts';
import { JsonLinesSink, KafkaRecordSink, fileNames } from './sinks.ts';
import type { RecordSink } from './sinks.ts';
import { validated } from './validate.ts';

export const outputTargets = ['jsonl', 'kafka'] as const;
export type OutputTarget = (typeof outputTargets)[number];

export interface GenerateRequest {
  bank: BankOptions;
  /** Folder for the files (and, with Kafka, for labels and the manifest). */
  out: string;
  to: OutputTarget;
  /** Transactions per second to Kafka; null: as fast as the broker takes them. */
  rate: number | null;
  quiet: boolean;
  /** Set when the bank is one of a family (drawBankProfile): recorded in the manifest. */
  bankProfile?: { familySeed: number; index: number; rulesPreset: string; description: string };
}

/** The process around the generator, passed in so tests can run it in-process. */
export interface GenerateEnvironment {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
}

export interface GenerateSummary {
  customers: number;
  transactions: number;
  productEvents: number;
  profileUpdates: number;
  labelsByPattern: Record<LabelPattern, number>;
  firstDay: string;
  lastDay: string;
  elapsedMs: number;
  eventsPerSecond: number;
  /** The process's peak resident set size so far. */
  peakRssBytes: number;
}

const countBy = <K extends string>(keys: readonly K[], values: readonly string[]): Record<K, number> => {
  const counts = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  for (const value of values) if (value in counts) counts[value as K] += 1;
  return counts;
};

async function writeLabels(bank: SyntheticBank, folder: string): Promise<void> {
  const file = new JsonLinesFile(join(folder, fileNames.labels));
  await file.addAll(bank.labels().map((label) => JSON.stringify(validated(labelSchema, label, 'label'))));
  await file.close();
}

/** What was written besides profiles and labels. */
interface Written {
  transactions: number;
  productEvents: number;
  profileUpdates: number;
}

/** The optional knobs as given: a bank made without them writes the manifest it wrote before they existed. */
function knobsOf(options: BankOptions): Partial<Manifest['parameters']> {
  const { trapShare, servedTiers, balanceScale, personaMix, patternWeights, salaryCycle, balanceStamps } = options;
  const knobs = { trapShare, servedTiers, balanceScale, personaMix, patternWeights, salaryCycle, balanceStamps };
  return Object.fromEntries(Object.entries(knobs).filter(([, value]) => value !== undefined));
}

function manifestOf(bank: SyntheticBank, written: Written, output: Manifest['output'], bankProfile: GenerateRequest['bankProfile']): Manifest {
  const { options, period, customers } = bank;
  const labels = bank.labels();
  return validated(
    manifestSchema,
    {
      generator: 'tidewatch generate',
      formatVersion: 1,
      seed: options.seed,
      parameters: {
        customers: options.customers,
        months: options.months,
        start: options.start,
        currency: options.currency,
        churnShare: options.churnShare,
        growShare: options.growShare,
        rms: options.rms,
        tierFloorsMinor: options.tierFloorsMinor,
        ...knobsOf(options),
      },
      ...(bankProfile === undefined ? {} : { bankProfile }),
      period: { firstDay: isoDateOf(period.startDay), lastDay: isoDateOf(period.endDay - 1), fromTime: period.startDay * DAY_MS, toTime: period.endDay * DAY_MS },
      counts: {
        customers: customers.length,
        accounts: customers.reduce((sum, customer) => sum + customer.accountIds.length, 0),
        households: bank.households,
        rms: options.rms,
        branches: bank.branches,
        transactions: written.transactions,
        labels: labels.length,
        personas: countBy(personas, customers.map((customer) => customer.persona)),
        servedTiers: countBy(servedTiersOf(options).map((tier) => tier.name), customers.map((customer) => customer.profile.servedTier)),
        labelsByPattern: countBy(labelPatterns, labels.map((label) => label.pattern)),
        productEvents: written.productEvents,
        profileUpdates: written.profileUpdates,
      },
      output,
    },
    'manifest',
  );
}

/** Checks the environment first (a missing variable stops the run before anything is made), then opens the sink. */
async function openSink(request: GenerateRequest, environment: GenerateEnvironment): Promise<RecordSink> {
  if (request.to === 'jsonl') {
    await makeFolder(request.out);
    return new JsonLinesSink(request.out);
  }
  const kafkaEnv = parseGeneratorKafkaEnv(environment.env);
  await makeFolder(request.out);
  return KafkaRecordSink.open(kafkaEnv, request.rate, environment.stderr);
}

/** `--out` as a folder (made if missing): a file of that name is not overwritten but named in the error. */
async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw outputError(path, code === 'EEXIST' || code === 'ENOTDIR' ? 'exists and is not a folder' : error);
  }
}

function summaryLine(summary: GenerateSummary, request: GenerateRequest): string {
  const byPattern = labelPatterns.map((pattern) => `${pattern} ${summary.labelsByPattern[pattern]}`).join(', ');
  const labels = Object.values(summary.labelsByPattern).reduce((sum, value) => sum + value, 0);
  const where = request.to === 'kafka' ? `Kafka (labels in ${request.out})` : request.out;
  return (
    `generated ${formatCount(summary.customers)} customers, ${formatCount(summary.transactions)} transactions, ` +
    `${formatCount(summary.productEvents)} product events, ${formatCount(summary.profileUpdates)} profile updates, ${labels} labels (${byPattern}), ` +
    `${summary.firstDay} .. ${summary.lastDay}, in ${(summary.elapsedMs / 1000).toFixed(1)} s (${formatCount(summary.eventsPerSecond)} events/s) to ${where}\n`
  );
}

/**
 * Generates the bank and writes it: profiles first, then day by day (each day's records sorted by event time and
 * written before the next day is made) its product events, profile updates and transactions, then labels and the
 * manifest. Product events and profile updates of a day go out before its transactions: on Kafka the service should
 * know a deposit or a new RM no later than the postings that follow it.
 */
export async function generate(request: GenerateRequest, environment: GenerateEnvironment): Promise<GenerateSummary> {
  const startedAt = performance.now();
  const sink = await openSink(request, environment);
  const bank = new SyntheticBank(request.bank);
  const progress = new Progress(environment.stderr, environment.stderrIsTTY && !request.quiet);
  const written: Written = { transactions: 0, productEvents: 0, profileUpdates: 0 };
  try {
    await sink.profiles(bank.profiles());
    for (const { day, transactions: ofDay, products, profileUpdates } of bank.days()) {
      await sink.products(products);
      await sink.profileUpdates(profileUpdates);
      await sink.transactions(ofDay);
      written.transactions += ofDay.length;
      written.productEvents += products.length;
      written.profileUpdates += profileUpdates.length;
      progress.update(day, written.transactions);
    }
    await sink.finish();
  } catch (error) {
    await sink.abort().catch(() => {});
    throw error;
  } finally {
    progress.finish();
  }
  await writeLabels(bank, request.out);
  const manifest = manifestOf(bank, written, sink.output, request.bankProfile);
  await writeOutputFile(join(request.out, fileNames.manifest), `${JSON.stringify(manifest, null, 2)}\n`);

  const elapsedMs = performance.now() - startedAt;
  const summary: GenerateSummary = {
    customers: bank.customers.length,
    ...written,
    labelsByPattern: manifest.counts.labelsByPattern,
    firstDay: manifest.period.firstDay,
    lastDay: manifest.period.lastDay,
    elapsedMs,
    eventsPerSecond: (written.transactions / elapsedMs) * 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  if (!request.quiet) environment.stdout(summaryLine(summary, request));
  return summary;
}
