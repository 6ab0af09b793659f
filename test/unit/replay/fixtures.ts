import { SyntheticBank } from '../../../src/generate/bank.ts';
import type { BankOptions } from '../../../src/generate/options.ts';
import type { Transaction } from '../../../src/domain/transaction.ts';
import type { CustomerProfile } from '../../../src/domain/profile.ts';
import { Replay } from '../../../src/replay/engine.ts';
import type { ReplayOptions } from '../../../src/replay/engine.ts';
import type { ProfileItem, ReplayDeadLetter, ReplayItem, ReplaySource, TransactionItem } from '../../../src/replay/records.ts';
import type { ReplaySummary } from '../../../src/replay/summary.ts';
import { core } from '../../support/core-fixtures.ts';

export { core };

export const itemsOf = (transactions: readonly Transaction[]): TransactionItem[] =>
  transactions.map((transaction, index) => ({ kind: 'transaction', transaction, line: index + 1 }));

export const profileItems = (profiles: readonly CustomerProfile[]): ProfileItem[] => profiles.map((profile) => ({ kind: 'profile', profile }));

export interface Replayed {
  /** The published records as the CLI writes them, one JSON line each. */
  lines: string[];
  deadLetters: ReplayDeadLetter[];
  summary: ReplaySummary;
}

/** Runs the engine in-process over a source, collecting what it publishes. */
export async function replay(source: ReplaySource, options: Partial<ReplayOptions> & { profiles?: readonly ProfileItem[] } = {}): Promise<Replayed> {
  const lines: string[] = [];
  const deadLetters: ReplayDeadLetter[] = [];
  const engine = new Replay({
    core,
    ...options,
    onAlert: (record, order) => {
      lines.push(JSON.stringify(record));
      return options.onAlert?.(record, order);
    },
    onDeadLetter: (letter) => {
      deadLetters.push(letter);
    },
  });
  await engine.loadProfiles([options.profiles ?? []]);
  const summary = await engine.run(source);
  return { lines, deadLetters, summary };
}

/** A small generated bank: its profiles, and its postings day by day as the engine's source. */
export function bankInput(options: BankOptions): { profiles: ProfileItem[]; source: AsyncIterable<ReplayItem[]> } {
  const bank = new SyntheticBank(options);
  const profiles = profileItems(bank.profiles());
  async function* source(): AsyncGenerator<ReplayItem[]> {
    let line = 0;
    for (const { transactions } of bank.days()) yield transactions.map((transaction) => ({ kind: 'transaction' as const, transaction, line: ++line }));
  }
  return { profiles, source: source() };
}

export const smallBank = (overrides: Partial<BankOptions> = {}): BankOptions => ({
  customers: 100,
  months: 4,
  start: '2024-01-01',
  seed: 11,
  currency: 'CZK',
  churnShare: 0.15,
  growShare: 0.1,
  rms: 3,
  tierFloorsMinor: { GOLD: 10_000_000, PLATINUM: 30_000_000, BLACK_GOLD: 100_000_000 },
  ...overrides,
});

/** The partition of three a customer's records are on (the input topics are co-partitioned by customer). */
export const partitionOfThree = (customerId: string) => [...customerId].reduce((sum, char) => sum + char.charCodeAt(0), 0) % 3;

/** A small generated bank's postings as records of three co-partitioned partitions, in event-time order, each with its offset. */
export function threePartitionBank() {
  const generated = new SyntheticBank(smallBank({ months: 3 }));
  const transactions = [...generated.days()].flatMap((day) => day.transactions);
  const nextOffset = [0, 0, 0];
  const items: TransactionItem[] = transactions.map((transaction, index) => {
    const partition = partitionOfThree(transaction.customerId);
    const offset = nextOffset[partition]!;
    nextOffset[partition] = offset + 1;
    return { kind: 'transaction', transaction, line: index + 1, offset, partition };
  });
  return { generated, transactions, items, profiles: profileItems(generated.profiles()), nextOffset };
}
