import { describe, expect, it } from 'vitest';
import { loadRules } from '../../../src/core/rules.ts';
import { customerProfileSchema } from '../../../src/domain/profile.ts';
import { transactionSchema } from '../../../src/domain/transaction.ts';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { drawBankProfile } from '../../../src/generate/family.ts';
import { labelSchema } from '../../../src/generate/labels.ts';
import { bankOptionsSchema } from '../../../src/generate/options.ts';
import type { BankOptions } from '../../../src/generate/options.ts';
import { DAY, generateInMemory, smallBank } from './bank-fixture.ts';

const FAMILY = 11;
const banks = Array.from({ length: 6 }, (_, index) => drawBankProfile(FAMILY, index, { customers: 80, months: 5 }));

const sumOf = (postings: readonly Transaction[]) => postings.reduce((sum, posting) => sum + posting.amountMinor, 0);

/** Accounts whose stamped balances do not follow their flows in event-time order. */
function disagreements(transactions: readonly Transaction[]): number {
  const last = new Map<string, number>();
  let count = 0;
  for (const posting of transactions) {
    const before = last.get(posting.accountId);
    const expected = before === undefined ? undefined : before + (posting.direction === 'CREDIT' ? posting.amountMinor : -posting.amountMinor);
    if (expected !== undefined && expected !== posting.balanceAfterMinor) count += 1;
    last.set(posting.accountId, expected ?? posting.balanceAfterMinor);
  }
  return count;
}

describe('a bank family', () => {
  it('draws banks that differ in currency, rules preset, scale, mixes and habits, each with valid options and its preset tiers', () => {
    expect(new Set(banks.map((bank) => bank.options.currency))).toEqual(new Set(['CZK', 'CNY', 'HKD']));
    expect(new Set(banks.map((bank) => bank.options.balanceScale)).size).toBe(6);
    expect(new Set(banks.map((bank) => JSON.stringify(bank.options.personaMix))).size).toBe(6);
    expect(new Set(banks.map((bank) => bank.options.churnShare)).size).toBeGreaterThan(3);
    expect(new Set(banks.map((bank) => bank.options.seed)).size).toBe(6);
    const scales = banks.map((bank) => bank.options.balanceScale ?? 1);
    expect(Math.max(...scales) / Math.min(...scales)).toBeGreaterThan(2);
    for (const bank of banks) {
      expect(bankOptionsSchema.safeParse(bank.options).success, bank.description).toBe(true);
      const rules = loadRules(bank.rulesFile);
      expect(rules.currency, bank.description).toBe(bank.options.currency);
      expect(bank.options.servedTiers?.map((tier) => tier.name), bank.description).toEqual(rules.tiers.levels.map((level) => level.name));
      expect(bank.options.servedTiers?.slice(1).map((tier) => tier.floorMinor), bank.description).toEqual(rules.tiers.levels.slice(1).map((level) => level.minAverageMinor));
      expect(bank.description).toContain(bank.options.currency);
    }
  });

  it('is a pure function of (family seed, index): the same bank twice, another family differs', () => {
    expect(drawBankProfile(FAMILY, 3, { customers: 80, months: 5 })).toEqual(banks[3]);
    expect(drawBankProfile(FAMILY + 1, 3, { customers: 80, months: 5 }).options).not.toEqual(banks[3]!.options);
  });

  it('generates each bank: records and labels their schemas accept, served tiers from its preset, in its currency', () => {
    for (const bank of banks) {
      const generated = generateInMemory(bank.options);
      const tierNames = new Set(bank.options.servedTiers?.map((tier) => tier.name));
      for (const profile of generated.bank.profiles()) {
        customerProfileSchema.parse(profile);
        expect(tierNames.has(profile.servedTier), `${bank.description}: ${profile.servedTier}`).toBe(true);
      }
      expect(generated.transactions.length, bank.description).toBeGreaterThan(1000);
      for (const transaction of generated.transactions) {
        expect(transactionSchema.safeParse(transaction).success).toBe(true);
        expect(transaction.currency).toBe(bank.options.currency);
      }
      for (const label of generated.labels) labelSchema.parse(label);
    }
  }, 180_000);
});

describe('bank knobs', () => {
  const base = smallBank({ customers: 120, months: 4, churnShare: 0.1, growShare: 0.05, trapShare: 0.05 });
  const run = (overrides: Partial<BankOptions>) => generateInMemory({ ...base, ...overrides });

  it('scales every amount and balance by the balance scale, the flows and labels unchanged', () => {
    // small-balance exits go to the customers below the first tier floor, which a scale moves: left out here
    const churn = { gradual_leakage: 1, leak_refilled: 1, sudden_exit: 1, payroll_moved: 1, slow_fade: 1, going_dormant: 1 };
    const patternWeights = { churn, grow: { inheritance: 1, bonus: 1, moved_in: 1 }, trap: { house_down_payment: 1, one_day_spike: 1, annual_tax: 1, holiday_spending: 1 } };
    const plain = run({ patternWeights });
    const scaled = run({ patternWeights, balanceScale: 10 });
    expect(scaled.transactions.length).toBe(plain.transactions.length);
    expect(scaled.labels).toEqual(plain.labels);
    expect(scaled.transactions.map((posting) => posting.transactionId)).toEqual(plain.transactions.map((posting) => posting.transactionId));
    expect(sumOf(scaled.transactions) / sumOf(plain.transactions)).toBeCloseTo(10, 2);
    expect(disagreements(scaled.transactions)).toBe(0);
  }, 120_000);

  it('stamps balances in processing order or a day stale when told: amounts and flows identical, stamps disagree, days still close right', () => {
    const plain = run({});
    const processing = run({ balanceStamps: { order: 'processing_order', staleShare: 0 } });
    const stale = run({ balanceStamps: { order: 'event_time', staleShare: 0.05 } });
    for (const other of [processing, stale]) {
      expect(other.transactions.map(({ balanceAfterMinor: _, ...rest }) => rest)).toEqual(plain.transactions.map(({ balanceAfterMinor: _, ...rest }) => rest));
      expect(disagreements(other.transactions)).toBeGreaterThan(100);
    }
    expect(disagreements(plain.transactions)).toBe(0);
    // processing order only reorders a day's stamps: each account's last stamp of a day is its closing balance
    const closing = (transactions: readonly Transaction[]) => {
      const byAccountDay = new Map<string, number>();
      const sums = new Map<string, number>();
      for (const posting of transactions) {
        const flow = (sums.get(posting.accountId) ?? 0) + (posting.direction === 'CREDIT' ? posting.amountMinor : -posting.amountMinor);
        sums.set(posting.accountId, flow);
        byAccountDay.set(`${posting.accountId}@${Math.floor(posting.eventTime / DAY)}`, flow);
      }
      return byAccountDay;
    };
    expect(closing(processing.transactions)).toEqual(closing(plain.transactions));
    const stampedClose = (transactions: readonly Transaction[]) => {
      const lastStamp = new Map<string, number>();
      for (const posting of transactions) lastStamp.set(posting.accountId, posting.balanceAfterMinor);
      return lastStamp;
    };
    const plainClose = stampedClose(plain.transactions);
    const differentClose = [...stampedClose(processing.transactions)].filter(([account, balance]) => plainClose.get(account) !== balance);
    // the last stamp of the period differs only where the last day's last event is not the system's last
    expect(differentClose.length).toBeLessThan(plainClose.size / 2);
  }, 120_000);

  it('pays semi-monthly salaries in two halves about two weeks apart, and lets paydays drift further', () => {
    const semi = run({ salaryCycle: { semiMonthlyShare: 1, driftDays: 3 } });
    const salaried = semi.customers.filter((customer) => customer.income?.category === 'SALARY' && customer.plan === null);
    expect(salaried.length).toBeGreaterThan(20);
    for (const customer of salaried) {
      expect(customer.income?.semiMonthly).toBe(true);
      const salaries = (semi.byCustomer.get(customer.id) ?? []).filter((posting) => posting.category === 'SALARY');
      const months = new Map<string, Transaction[]>();
      for (const salary of salaries) {
        const month = new Date(salary.eventTime).toISOString().slice(0, 7);
        months.set(month, [...(months.get(month) ?? []), salary]);
      }
      const twice = [...months.values()].filter((paid) => paid.length >= 2);
      expect(twice.length, customer.id).toBeGreaterThanOrEqual(2);
      for (const paid of twice) {
        const days = paid.map((salary) => Math.floor(salary.eventTime / DAY)).sort((left, right) => left - right);
        expect(days.at(-1)! - days[0]!, customer.id).toBeGreaterThanOrEqual(7);
      }
    }
  }, 120_000);
});
