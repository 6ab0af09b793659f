import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isoDateOf } from '../core/calendar.ts';
import { SyntheticBank } from '../generate/bank.ts';
import { labelSchema } from '../generate/labels.ts';
import type { Label } from '../generate/labels.ts';
import { manifestSchema } from '../generate/manifest.ts';
import type { BankOptions } from '../generate/options.ts';
import { fileNames } from '../generate/sinks.ts';
import { openInput } from '../replay/input.ts';
import type { ProductItem, ProductSource, ProfileItem, ProfileUpdateSource, ReplayItem } from '../replay/records.ts';
import { SharedDayWalk } from './day-walk.ts';

/** A labelled bank to replay: generated in memory, or a folder written by `tidewatch generate`. */
export type BankSource = { kind: 'generated'; bank: BankOptions; description?: string } | { kind: 'folder'; path: string };

export interface OpenedBank {
  /** One line on where the data comes from. */
  description: string;
  profiles: ProfileItem[];
  transactions: AsyncIterable<ReplayItem[]>;
  /** Deposits placed, renewed and paid out, in event-time order (none for a folder without products.jsonl). */
  products: ProductSource | undefined;
  /** RM departures and reassignments, in `updatedAt` order (none for a folder without profile-updates.jsonl). */
  profileUpdates: ProfileUpdateSource | undefined;
  labels: Label[];
  /** The last day of the bank's period (ISO date), to let time run on to; null when unknown. */
  lastDay: string | null;
}

export class BankSourceError extends Error {
  override readonly name = 'BankSourceError';
}

const count = (value: number) => value.toLocaleString('en-US');
/** Names the generated product events in dead letters, as a file name would. */
const GENERATED_PRODUCTS = 'generated products';

export function describeBank(bank: BankOptions): string {
  return `generated bank: ${count(bank.customers)} customers × ${bank.months} months from ${bank.start}, seed ${bank.seed}, ${bank.rms} RMs`;
}

export async function openBank(source: BankSource, timeZone: string): Promise<OpenedBank> {
  return source.kind === 'generated' ? generatedBank(source.bank, source.description) : folderBank(source.path, timeZone);
}

function generatedBank(options: BankOptions, description = describeBank(options)): OpenedBank {
  const bank = new SyntheticBank(options);
  const walk = new SharedDayWalk(bank.days());
  async function* transactions(): AsyncGenerator<ReplayItem[]> {
    let line = 0;
    for await (const ofDay of walk.transactions()) yield ofDay.map((transaction) => ({ kind: 'transaction' as const, transaction, line: ++line }));
  }
  async function* products(): AsyncGenerator<ProductItem[]> {
    let line = 0;
    for await (const ofDay of walk.products()) yield ofDay.map((event) => ({ kind: 'product' as const, event, origin: { source: GENERATED_PRODUCTS, line: ++line } }));
  }
  async function* profileUpdates(): AsyncGenerator<ProfileItem[]> {
    yield bank.profileUpdates().map((profile) => ({ kind: 'profile' as const, profile }));
  }
  return {
    description,
    profiles: bank.profiles().map((profile) => ({ kind: 'profile' as const, profile })),
    transactions: transactions(),
    products: products(),
    profileUpdates: profileUpdates(),
    labels: bank.labels(),
    lastDay: isoDateOf(bank.period.endDay - 1),
  };
}

async function folderBank(path: string, timeZone: string): Promise<OpenedBank> {
  const labelsPath = join(path, fileNames.labels);
  if (!existsSync(labelsPath)) throw new BankSourceError(`--input ${path}: no ${fileNames.labels}: a backtest needs the labels of a folder written by \`tidewatch generate\``);
  const input = await openInput({ input: path, format: 'jsonl', timeZone });
  const profiles: ProfileItem[] = [];
  for await (const entry of input.profiles) profiles.push(...entry);
  if (profiles.length === 0) throw new BankSourceError(`--input ${path}: no ${fileNames.profiles}: RMs and tiers come from the profiles`);
  return {
    description: `folder ${path}`,
    profiles,
    transactions: input.transactions,
    products: input.products,
    profileUpdates: input.profileUpdates,
    labels: await readLabels(labelsPath),
    lastDay: await lastDayOf(join(path, fileNames.manifest)),
  };
}

/** labels.jsonl, every line checked against the labels schema; a bad line stops the backtest (its result would be wrong). */
export async function readLabels(path: string): Promise<Label[]> {
  const labels: Label[] = [];
  const lines = (await readFile(path, 'utf8')).split('\n');
  lines.forEach((text, index) => {
    if (text.trim().length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new BankSourceError(`${path}:${index + 1}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = labelSchema.safeParse(value);
    if (!parsed.success) {
      throw new BankSourceError(`${path}:${index + 1}: not a label: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`).join('; ')}`);
    }
    labels.push(parsed.data);
  });
  return labels;
}

async function lastDayOf(manifestPath: string): Promise<string | null> {
  if (!existsSync(manifestPath)) return null;
  const parsed = manifestSchema.safeParse(JSON.parse(await readFile(manifestPath, 'utf8')));
  if (!parsed.success) throw new BankSourceError(`${manifestPath}: not a manifest of \`tidewatch generate\`: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data.period.lastDay;
}
