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
import type { ProfileItem, ReplayItem } from '../replay/records.ts';

/** A labelled bank to replay: generated in memory, or a folder written by `tidewatch generate`. */
export type BankSource = { kind: 'generated'; bank: BankOptions } | { kind: 'folder'; path: string };

export interface OpenedBank {
  /** One line on where the data comes from. */
  description: string;
  profiles: ProfileItem[];
  transactions: AsyncIterable<ReplayItem[]>;
  labels: Label[];
  /** The last day of the bank's period (ISO date), to let time run on to; null when unknown. */
  lastDay: string | null;
}

export class BankSourceError extends Error {
  override readonly name = 'BankSourceError';
}

const count = (value: number) => value.toLocaleString('en-US');

export function describeBank(bank: BankOptions): string {
  return `generated bank: ${count(bank.customers)} customers × ${bank.months} months from ${bank.start}, seed ${bank.seed}, ${bank.rms} RMs`;
}

export async function openBank(source: BankSource, timeZone: string): Promise<OpenedBank> {
  return source.kind === 'generated' ? generatedBank(source.bank) : folderBank(source.path, timeZone);
}

function generatedBank(options: BankOptions): OpenedBank {
  const bank = new SyntheticBank(options);
  async function* transactions(): AsyncGenerator<ReplayItem[]> {
    let line = 0;
    for (const { transactions: ofDay } of bank.days()) yield ofDay.map((transaction) => ({ kind: 'transaction' as const, transaction, line: ++line }));
  }
  return {
    description: describeBank(options),
    profiles: bank.profiles().map((profile) => ({ kind: 'profile' as const, profile })),
    transactions: transactions(),
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
