import { beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { churnPatterns, growPatterns, labelSchema } from '../../../src/generate/labels.ts';
import type { Label, LabelPattern } from '../../../src/generate/labels.ts';
import { DAY, generateInMemory, smallBank, totalBalanceBefore } from './bank-fixture.ts';
import type { GeneratedInMemory } from './bank-fixture.ts';

const CZK = 100;

// real work (generates a whole bank in memory): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('labels', { timeout: 120_000 }, () => {
  const options = smallBank({ customers: 1000, months: 12, churnShare: 0.12, growShare: 0.09 });
  let generated: GeneratedInMemory;
  const labelled = (pattern: LabelPattern) => generated.labels.filter((label) => label.pattern === pattern);
  const postingsOf = (label: Label): Transaction[] => generated.byCustomer.get(label.customerId) ?? [];
  const within = (label: Label, fromDays: number, toDays: number) => (posting: Transaction) =>
    posting.eventTime >= label.date + fromDays * DAY && posting.eventTime < label.date + toDays * DAY;

  beforeAll(() => {
    generated = generateInMemory(options);
  }, 120_000);

  it('labels the asked shares of customers, one label each, every pattern present', () => {
    const churn = generated.labels.filter((label) => label.outcome === 'churn').length;
    const grow = generated.labels.filter((label) => label.outcome === 'grow').length;
    expect(Math.abs(churn - options.customers * options.churnShare)).toBeLessThanOrEqual(1);
    expect(Math.abs(grow - options.customers * options.growShare)).toBeLessThanOrEqual(1);
    expect(new Set(generated.labels.map((label) => label.customerId)).size).toBe(generated.labels.length);
    for (const pattern of [...churnPatterns, ...growPatterns]) expect(labelled(pattern).length, pattern).toBeGreaterThan(3);
    for (const label of generated.labels) labelSchema.parse(label);
  });

  it('dates labels at midnight UTC, leaving a baseline before and time to observe after', () => {
    const { startDay, endDay } = generated.bank.period;
    for (const label of generated.labels) {
      expect(label.date % DAY).toBe(0);
      expect(label.date).toBeGreaterThanOrEqual((startDay + 60) * DAY);
      expect(label.date).toBeLessThan((endDay - 30) * DAY);
    }
  });

  it('sudden exit: at least 80% of the balance leaves to another bank within a few days of the date, then near silence', () => {
    for (const label of labelled('sudden_exit')) {
      const postings = postingsOf(label);
      const before = totalBalanceBefore(postings, label.date);
      const out = postings.filter(within(label, 0, 4)).filter((posting) => posting.direction === 'DEBIT' && posting.counterpartyKind === 'OTHER_BANK');
      expect(out.length, label.customerId).toBeGreaterThanOrEqual(1);
      expect(out.length, label.customerId).toBeLessThanOrEqual(2);
      expect(out.reduce((sum, posting) => sum + posting.amountMinor, 0), label.customerId).toBeGreaterThanOrEqual(before * 0.8);
      const later = postings.filter(within(label, 30, 400)).filter((posting) => posting.initiatedBy === 'CUSTOMER');
      expect(later, label.customerId).toEqual([]);
    }
  });

  it('going dormant: a last own posting on the date (the end), none after; interest and fees go on', () => {
    for (const label of labelled('going_dormant')) {
      expect(label.endDate, label.customerId).toBe(label.date);
      const after = postingsOf(label).filter(within(label, 1, 1000));
      expect(after.filter((posting) => posting.initiatedBy === 'CUSTOMER'), label.customerId).toEqual([]);
      expect(postingsOf(label).filter(within(label, 0, 1)).some((posting) => posting.initiatedBy === 'CUSTOMER'), label.customerId).toBe(true);
      expect(after.some((posting) => posting.category === 'FEE'), label.customerId).toBe(true);
      expect(postingsOf(label).filter(within(label, -30, 0)).some((posting) => posting.initiatedBy === 'CUSTOMER'), label.customerId).toBe(true);
    }
  });

  it('payroll moved: the salary or pension stops on the date, after arriving the month before; spending winds down', () => {
    for (const label of labelled('payroll_moved')) {
      const postings = postingsOf(label);
      const income = (posting: Transaction) => posting.category === 'SALARY' || posting.category === 'PENSION';
      expect(postings.filter(within(label, 0, 1000)).filter(income), label.customerId).toEqual([]);
      expect(postings.filter(within(label, -35, 0)).some(income), label.customerId).toBe(true);
      const cardsIn = (fromDays: number, toDays: number) => postings.filter(within(label, fromDays, toDays)).filter((posting) => posting.category === 'CARD').length;
      expect(cardsIn(150, 180), label.customerId).toBeLessThanOrEqual(Math.max(2, cardsIn(-30, 0)));
    }
  });

  it('gradual leakage: over one to three months, growing transfers to other banks or platforms take most of the balance', () => {
    for (const label of labelled('gradual_leakage')) {
      const postings = postingsOf(label);
      const before = totalBalanceBefore(postings, label.date);
      const leaks = postings
        .filter(within(label, 0, 95))
        .filter((posting) => posting.direction === 'DEBIT' && (posting.counterpartyKind === 'OTHER_BANK' || posting.counterpartyKind === 'INVESTMENT_PLATFORM'));
      expect(leaks.reduce((sum, posting) => sum + posting.amountMinor, 0), label.customerId).toBeGreaterThanOrEqual(before * 0.5);
      const byDay = new Map<number, number>();
      for (const leak of leaks) byDay.set(Math.floor(leak.eventTime / DAY), (byDay.get(Math.floor(leak.eventTime / DAY)) ?? 0) + leak.amountMinor);
      expect(byDay.size, label.customerId).toBeGreaterThanOrEqual(3);
    }
  });

  it('inheritance, bonus and moved-in money arrive on the date, from where each comes from', () => {
    const creditsOn = (label: Label, days: number) => postingsOf(label).filter(within(label, 0, days)).filter((posting) => posting.direction === 'CREDIT' && posting.category === 'TRANSFER');
    for (const label of labelled('inheritance')) {
      expect(creditsOn(label, 1).some((posting) => posting.amountMinor >= 40_000 * CZK && posting.counterpartyKind !== 'NONE'), label.customerId).toBe(true);
    }
    for (const label of labelled('bonus')) {
      expect(creditsOn(label, 1).some((posting) => posting.counterpartyKind === 'NONE'), label.customerId).toBe(true);
    }
    for (const label of labelled('moved_in')) {
      const fromOtherBanks = creditsOn(label, 15).filter((posting) => posting.counterpartyKind === 'OTHER_BANK');
      expect(fromOtherBanks.reduce((sum, posting) => sum + posting.amountMinor, 0), label.customerId).toBeGreaterThanOrEqual(50_000 * CZK);
    }
  });

  it('leaves some churners subtle: not every leakage crosses the default cumulative threshold in a month', () => {
    const subtle = labelled('gradual_leakage').filter((label) => {
      const leaks = postingsOf(label).filter(within(label, 0, 30)).filter((posting) => posting.direction === 'DEBIT' && posting.counterpartyKind !== 'OWN_ACCOUNT' && posting.category !== 'CARD');
      return leaks.reduce((sum, posting) => sum + posting.amountMinor, 0) < 150_000 * CZK;
    });
    expect(subtle.length).toBeGreaterThan(0);
  });
});
