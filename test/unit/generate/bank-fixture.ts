import { SyntheticBank } from '../../../src/generate/bank.ts';
import type { Customer } from '../../../src/generate/model.ts';
import type { Label } from '../../../src/generate/labels.ts';
import type { BankOptions } from '../../../src/generate/options.ts';
import { defaultTierFloorsMinor } from '../../../src/generate/options.ts';
import type { Transaction } from '../../../src/domain/transaction.ts';

export const DAY = 86_400_000;

export const smallBank = (overrides: Partial<BankOptions> = {}): BankOptions => ({
  customers: 400,
  months: 12,
  start: '2024-03-01',
  seed: 7,
  currency: 'CZK',
  churnShare: 0.1,
  growShare: 0.08,
  rms: 2,
  tierFloorsMinor: defaultTierFloorsMinor,
  ...overrides,
});

export interface GeneratedInMemory {
  bank: SyntheticBank;
  customers: readonly Customer[];
  transactions: Transaction[];
  labels: Label[];
  /** Each customer's postings in file order. */
  byCustomer: Map<string, Transaction[]>;
}

/** A whole small bank in memory, for checks that need every posting of a customer at once. */
export function generateInMemory(options: BankOptions): GeneratedInMemory {
  const bank = new SyntheticBank(options);
  const transactions: Transaction[] = [];
  for (const { transactions: ofDay } of bank.days()) for (const transaction of ofDay) transactions.push(transaction);
  const byCustomer = new Map<string, Transaction[]>();
  for (const transaction of transactions) {
    const list = byCustomer.get(transaction.customerId) ?? [];
    list.push(transaction);
    byCustomer.set(transaction.customerId, list);
  }
  return { bank, customers: bank.customers, transactions, labels: bank.labels(), byCustomer };
}

/** The customer's total balance just before an instant, from their postings (each account's last balance before it). */
export function totalBalanceBefore(postings: readonly Transaction[], instant: number): number {
  const balances = new Map<string, number>();
  for (const posting of postings) {
    if (posting.eventTime < instant) {
      balances.set(posting.accountId, posting.balanceAfterMinor);
    } else if (!balances.has(posting.accountId)) {
      // untouched so far: its balance is what it was before its first posting
      balances.set(posting.accountId, posting.balanceAfterMinor + (posting.direction === 'CREDIT' ? -posting.amountMinor : posting.amountMinor));
    }
  }
  return [...balances.values()].reduce((sum, balance) => sum + Math.max(0, balance), 0);
}
