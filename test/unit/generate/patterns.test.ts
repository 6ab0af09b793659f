import { beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { churnPatterns, labelSchema, trapPatterns } from '../../../src/generate/labels.ts';
import type { Label, LabelPattern } from '../../../src/generate/labels.ts';
import { taxOfficeBankCode } from '../../../src/generate/model.ts';
import { DAY, generateInMemory, smallBank, totalBalanceBefore } from './bank-fixture.ts';
import type { GeneratedInMemory } from './bank-fixture.ts';

/** A bank of churners and traps (no growers), the new patterns weighted up so that each has enough customers. */
const options = smallBank({
  customers: 900,
  months: 16,
  seed: 13,
  churnShare: 0.22,
  growShare: 0,
  trapShare: 0.2,
  patternWeights: {
    churn: { gradual_leakage: 0.5, leak_refilled: 1, sudden_exit: 0.5, small_balance_exit: 1, payroll_moved: 1, slow_fade: 1, going_dormant: 0.5 },
    grow: { inheritance: 1 },
    trap: { house_down_payment: 1, one_day_spike: 1, annual_tax: 1, holiday_spending: 1 },
  },
});

const income = (posting: Transaction) => posting.direction === 'CREDIT' && (posting.category === 'SALARY' || posting.category === 'PENSION');
const ownDebit = (posting: Transaction) => posting.direction === 'DEBIT' && posting.initiatedBy === 'CUSTOMER' && posting.counterpartyKind !== 'OWN_ACCOUNT';
const dayOf = (instant: number) => Math.floor(instant / DAY);

describe('churn patterns and traps', () => {
  let generated: GeneratedInMemory;
  const labelled = (pattern: LabelPattern) => generated.labels.filter((label) => label.pattern === pattern);
  const postingsOf = (label: Label): Transaction[] => generated.byCustomer.get(label.customerId) ?? [];
  const between = (fromDay: number, toDay: number) => (posting: Transaction) => posting.eventTime >= fromDay * DAY && posting.eventTime < toDay * DAY;
  const dateDay = (label: Label) => label.date / DAY;
  const endDay = (label: Label) => (label.endDate ?? Number.NaN) / DAY;
  const lastOwnPostingDay = (label: Label) => Math.max(...postingsOf(label).filter((posting) => posting.initiatedBy === 'CUSTOMER').map((posting) => dayOf(posting.eventTime)));

  beforeAll(() => {
    generated = generateInMemory(options);
  }, 120_000);

  it('labels churners with an endDate on or after the date, traps and growers without; every pattern present', () => {
    for (const label of generated.labels) {
      labelSchema.parse(label);
      if (label.outcome === 'churn') expect(label.endDate, label.customerId).toBeGreaterThanOrEqual(label.date);
      else expect(label.endDate, label.customerId).toBeNull();
    }
    for (const pattern of [...churnPatterns, ...trapPatterns]) expect(labelled(pattern).length, pattern).toBeGreaterThanOrEqual(5);
    expect(generated.labels.filter((label) => label.outcome === 'trap').length).toBe(Math.round(options.customers * 0.2));
  }, 60_000);

  it('leak with the salary refilling: ≥ 3 transfers of 5-15% of the balance out, income goes on, a last transfer leaves < 10%', () => {
    for (const label of labelled('leak_refilled')) {
      const postings = postingsOf(label);
      const outward = (posting: Transaction) => posting.direction === 'DEBIT' && (posting.counterpartyKind === 'INVESTMENT_PLATFORM' || posting.counterpartyKind === 'OTHER_BANK') && posting.initiatedBy === 'CUSTOMER';
      const leaks = postings.filter(between(dateDay(label), endDay(label))).filter(outward).filter((posting) => posting.category !== 'TRANSFER' || posting.counterpartyKind !== 'OTHER_BANK' || posting.counterpartyBankCode !== null);
      const regular = leaks.filter((posting) => {
        const share = posting.amountMinor / totalBalanceBefore(postings, posting.eventTime);
        return share >= 0.049 && share <= 0.151;
      });
      expect(regular.length, label.customerId).toBeGreaterThanOrEqual(3);
      const spanDays = endDay(label) - dateDay(label);
      const incomes = postings.filter(between(dateDay(label), endDay(label))).filter(income).length;
      expect(incomes, label.customerId).toBeGreaterThanOrEqual(Math.floor(spanDays / 35));
      const final = postings.filter(between(endDay(label), endDay(label) + 1)).filter(outward).sort((left, right) => right.amountMinor - left.amountMinor)[0];
      expect(final, label.customerId).toBeDefined();
      const before = totalBalanceBefore(postings, final!.eventTime);
      expect(final!.amountMinor, label.customerId).toBeGreaterThanOrEqual(before * 0.9 - 1);
      expect(postings.filter(between(endDay(label) + 30, endDay(label) + 1000)).filter((posting) => posting.initiatedBy === 'CUSTOMER'), label.customerId).toEqual([]);
    }
  }, 60_000);

  it('small-balance exit: one transfer to another bank takes 90-97% of a balance below the first tier floor, on the date (the end)', () => {
    for (const label of labelled('small_balance_exit')) {
      const postings = postingsOf(label);
      expect(label.endDate, label.customerId).toBe(label.date);
      const out = postings.filter(between(dateDay(label), dateDay(label) + 1)).filter((posting) => ownDebit(posting) && posting.counterpartyKind === 'OTHER_BANK');
      const exit = out.sort((left, right) => right.amountMinor - left.amountMinor)[0];
      expect(exit, label.customerId).toBeDefined();
      const before = totalBalanceBefore(postings, exit!.eventTime);
      expect(before, label.customerId).toBeLessThan(options.tierFloorsMinor.GOLD * 1.5);
      expect(exit!.amountMinor / before, label.customerId).toBeGreaterThanOrEqual(0.895);
      expect(exit!.amountMinor / before, label.customerId).toBeLessThanOrEqual(0.975);
    }
  }, 60_000);

  it('payroll moved: income stops on the date, spending goes on for weeks, nothing sharp leaves, the last own posting is the end', () => {
    for (const label of labelled('payroll_moved')) {
      const postings = postingsOf(label);
      expect(postings.filter(between(dateDay(label), 100_000)).filter(income), label.customerId).toEqual([]);
      expect(lastOwnPostingDay(label), label.customerId).toBe(endDay(label));
      expect(endDay(label) - dateDay(label), label.customerId).toBeGreaterThanOrEqual(14);
      const usualLargest = Math.max(0, ...postings.filter(between(dateDay(label) - 90, dateDay(label))).filter(ownDebit).map((posting) => posting.amountMinor));
      for (const posting of postings.filter(between(dateDay(label), 100_000)).filter(ownDebit)) {
        const sharp = posting.amountMinor > totalBalanceBefore(postings, posting.eventTime) * 0.3 && posting.amountMinor > usualLargest;
        expect(sharp, `${label.customerId} ${posting.transactionId}`).toBe(false);
      }
    }
  }, 60_000);

  it('slow fade: fewer and smaller postings month by month, the last own posting is the end, then nothing', () => {
    let smaller = 0;
    for (const label of labelled('slow_fade')) {
      const postings = postingsOf(label);
      expect(lastOwnPostingDay(label), label.customerId).toBe(endDay(label));
      const third = Math.max(1, Math.floor((endDay(label) - dateDay(label)) / 3));
      const spending = (fromDay: number) => postings.filter(between(fromDay, fromDay + third)).filter((posting) => ownDebit(posting) && (posting.category === 'CARD' || posting.category === 'CASH'));
      const first = spending(dateDay(label));
      const last = spending(endDay(label) - third);
      expect(last.length, label.customerId).toBeLessThanOrEqual(Math.max(2, first.length));
      const mean = (list: Transaction[]) => list.reduce((sum, posting) => sum + posting.amountMinor, 0) / Math.max(1, list.length);
      if (first.length >= 5 && last.length >= 3 && mean(last) < mean(first)) smaller += 1;
    }
    expect(smaller).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('exits end on the day the money is gone: the last large transfer out', () => {
    for (const pattern of ['sudden_exit', 'gradual_leakage'] as const) {
      for (const label of labelled(pattern)) {
        const postings = postingsOf(label);
        const out = postings.filter(between(dateDay(label), 100_000)).filter((posting) => ownDebit(posting) && (posting.counterpartyKind === 'OTHER_BANK' || posting.counterpartyKind === 'INVESTMENT_PLATFORM'));
        const largest = Math.max(...out.map((posting) => posting.amountMinor));
        const lastLarge = Math.max(...out.filter((posting) => posting.amountMinor >= largest * 0.25 && posting.eventTime < (endDay(label) + 1) * DAY).map((posting) => dayOf(posting.eventTime)));
        expect(lastLarge, `${pattern} ${label.customerId}`).toBe(endDay(label));
      }
    }
    for (const label of labelled('going_dormant')) expect(lastOwnPostingDay(label), label.customerId).toBe(endDay(label));
  }, 60_000);

  it('house down payment: one large transfer (30-90% of the balance), then income and everyday life go on for ≥ 60 days', () => {
    const paymentsInIncomes: number[] = [];
    for (const label of labelled('house_down_payment')) {
      const postings = postingsOf(label);
      const customer = generated.customers.find((candidate) => candidate.id === label.customerId)!;
      // (a multi-banker's monthly transfer may go out the same day: the payment is the one of its share)
      const payment = postings
        .filter(between(dateDay(label), dateDay(label) + 1))
        .filter((posting) => ownDebit(posting) && (posting.counterpartyKind === 'OTHER_BANK' || posting.counterpartyKind === 'SAME_BANK_CUSTOMER'))
        .find((posting) => {
          const share = posting.amountMinor / totalBalanceBefore(postings, posting.eventTime);
          return share >= 0.299 && share <= 0.901;
        });
      expect(payment, label.customerId).toBeDefined();
      paymentsInIncomes.push(payment!.amountMinor / (customer.income?.amount ?? 1));
      expect(postings.filter(between(dateDay(label) + 60, 100_000)).filter(income).length, label.customerId).toBeGreaterThanOrEqual(1);
      expect(postings.filter(between(dateDay(label) + 1, dateDay(label) + 60)).filter(income).length, label.customerId).toBeGreaterThanOrEqual(1);
      expect(postings.filter(between(dateDay(label) + 30, 100_000)).filter(ownDebit).length, label.customerId).toBeGreaterThanOrEqual(3);
    }
    paymentsInIncomes.sort((left, right) => left - right);
    expect(paymentsInIncomes[Math.floor(paymentsInIncomes.length / 2)]).toBeGreaterThan(1);
    expect(labelled('house_down_payment').some((label) => postingsOf(label).some((posting) => posting.eventTime >= label.date && posting.eventTime < label.date + DAY && posting.counterpartyKind === 'OTHER_BANK' && posting.direction === 'DEBIT'))).toBe(true);
  }, 60_000);

  it('one-day spike: a large credit that leaves again, to another bank, the next day', () => {
    for (const label of labelled('one_day_spike')) {
      const postings = postingsOf(label);
      const spike = postings.filter(between(dateDay(label), dateDay(label) + 1)).filter((posting) => posting.direction === 'CREDIT' && posting.category === 'TRANSFER').sort((left, right) => right.amountMinor - left.amountMinor)[0];
      expect(spike, label.customerId).toBeDefined();
      const customer = generated.customers.find((candidate) => candidate.id === label.customerId)!;
      expect(spike!.amountMinor, label.customerId).toBeGreaterThanOrEqual(customer.typicalBalance * 0.49);
      const out = postings.filter(between(dateDay(label) + 1, dateDay(label) + 2)).filter((posting) => ownDebit(posting) && posting.counterpartyKind === 'OTHER_BANK');
      expect(Math.max(0, ...out.map((posting) => posting.amountMinor)), label.customerId).toBeGreaterThanOrEqual(spike!.amountMinor * 0.94);
    }
  }, 60_000);

  it('annual tax: a payment to the tax office on the date and on the same date a year later, 10-45% of the balance', () => {
    let repeated = 0;
    for (const label of labelled('annual_tax')) {
      const postings = postingsOf(label);
      const taxes = postings.filter((posting) => posting.counterpartyBankCode === taxOfficeBankCode && posting.direction === 'DEBIT');
      const first = taxes.find((posting) => dayOf(posting.eventTime) === dateDay(label));
      expect(first, label.customerId).toBeDefined();
      const share = first!.amountMinor / totalBalanceBefore(postings, first!.eventTime);
      expect(share, label.customerId).toBeGreaterThanOrEqual(0.099);
      expect(share, label.customerId).toBeLessThanOrEqual(0.451);
      const nextYear = new Date(label.date);
      nextYear.setUTCFullYear(nextYear.getUTCFullYear() + 1);
      if (nextYear.getTime() < generated.bank.period.endDay * DAY) {
        expect(taxes.some((posting) => dayOf(posting.eventTime) === dayOf(nextYear.getTime())), label.customerId).toBe(true);
        repeated += 1;
      }
    }
    expect(repeated).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('holiday spending: weeks of clearly more card and cash spending, then back to normal', () => {
    const ratios: number[] = [];
    const afterwards: number[] = [];
    for (const label of labelled('holiday_spending')) {
      const postings = postingsOf(label);
      const spent = (fromDay: number, days: number) =>
        postings.filter(between(fromDay, fromDay + days)).filter((posting) => ownDebit(posting) && (posting.category === 'CARD' || posting.category === 'CASH')).reduce((sum, posting) => sum + posting.amountMinor, 0) / days;
      const usual = spent(dateDay(label) - 90, 90);
      if (usual === 0) continue;
      ratios.push(spent(dateDay(label), 14) / usual);
      afterwards.push(spent(dateDay(label) + 45, 45) / usual);
    }
    afterwards.sort((left, right) => left - right);
    expect(afterwards[Math.floor(afterwards.length / 2)]).toBeLessThan(1.5);
    ratios.sort((left, right) => left - right);
    expect(ratios.length).toBeGreaterThanOrEqual(5);
    expect(ratios[Math.floor(ratios.length / 2)]).toBeGreaterThan(2.5);
    // a card declines when the account runs dry: a few holidays end early
    expect(ratios.filter((ratio) => ratio > 1.5).length).toBeGreaterThanOrEqual(ratios.length * 0.9);
  }, 60_000);
});
