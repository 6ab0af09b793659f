import { describe, expect, it } from 'vitest';
import { detectInflow } from '../../../../src/core/detectors/inflow.ts';
import type { Measures } from '../../../../src/core/detectors/measures.ts';
import type { CreditHistory } from '../../../../src/core/detectors/inflow.ts';
import type { CounterpartyKind } from '../../../../src/domain/transaction.ts';
import { Ledger, coreWith, czk, pragueWinter, rules } from '../../../support/core-fixtures.ts';

const measures = (average: number, inflow: number): Measures => ({
  totalBalance: average,
  averageDailyBalance30: average,
  cumulativeOutflow: 0,
  usualCumulativeOutflow: 0,
  cumulativeInflow: inflow,
  usualCumulativeInflow: 0,
  competitorOutflow90: 0,
  competitorOutflowRecent: 0,
  customerTransactions30: 4,
});
/**
 * A credit of `amount` from `kind` onto a steady `average`, with `inflowBefore` already in the 7-day window sum
 * (`usual`: the customer's usual 7-day sum; `history`: what their own history says, none unless given).
 */
function credit(
  amount: number,
  average: number,
  options: { kind?: CounterpartyKind; inflowBefore?: number; usual?: number; history?: Partial<CreditHistory>; context?: { rules?: typeof rules; tier?: string | null } } = {},
) {
  const { kind = 'OTHER_BANK', inflowBefore = 0, usual = 0 } = options;
  const transaction = new Ledger('c-1', { 'a-1': average }).credit(amount, pragueWinter('2024-01-10'), { counterpartyKind: kind });
  const before = { ...measures(average, inflowBefore), usualCumulativeInflow: usual };
  const after = { ...measures(average, inflowBefore + amount), usualCumulativeInflow: usual, totalBalance: average + amount };
  const context = { rules, tier: null, ...options.context };
  return options.history === undefined ? detectInflow(transaction, before, after, context) : detectInflow(transaction, before, after, context, { monthlyRepeat: false, noBaseline: false, ...options.history });
}

describe('a single large credit', () => {
  it('onto a near-empty relationship is large from the 30,000 floor on, and says so', () => {
    const [finding] = credit(czk(30_000), 0, { kind: 'CASH' });
    expect(finding?.kind).toBe('LARGE_INFLOW');
    expect(finding?.reason).toBe('Received 30,000.00 CZK in cash, on a near-empty relationship');
    expect(credit(czk(30_000) - 1, 0, { kind: 'CASH' })).toEqual([]);
    // an overdrawn relationship is near-empty too
    expect(credit(czk(30_000), -czk(5_000), { kind: 'CASH' }).map((finding) => finding.kind)).toEqual(['LARGE_INFLOW']);
  });

  it('from a plain payment names no origin, and suggests putting the funds to work', () => {
    const [finding] = credit(czk(100_000), czk(400_000), { kind: 'NONE' });
    expect(finding?.reason).toBe('Received 100,000.00 CZK, 25% of the 30-day average balance');
    expect(finding?.suggestedAction).toBe('Talk to the customer about putting the new funds to work.');
    expect(finding?.priority).toBe('MEDIUM');
    expect(finding?.amountAtStakeMinor).toBe(czk(100_000));
  });

  it('at exactly as much again as the average is large; 99.98% of it is not', () => {
    expect(credit(czk(50_000), czk(50_000), { kind: 'CASH' }).map((finding) => finding.kind)).toEqual(['LARGE_INFLOW']);
    expect(credit(czk(49_990), czk(50_000), { kind: 'CASH' })).toEqual([]);
  });

  it("over the tier's amount (100,000), a credit is large only at a fifth of the 30-day average or more", () => {
    // 100,000 onto 500,000: exactly 2,000 bp; onto 500,200: 1,999.2 bp, rounded 1,999, a private client's routine amount
    expect(credit(czk(100_000), czk(500_000)).map((finding) => [finding.kind, finding.reason])).toEqual([
      ['LARGE_INFLOW', 'Received 100,000.00 CZK from another bank, 20% of the 30-day average balance'],
    ]);
    expect(credit(czk(100_000), czk(500_200))).toEqual([]);
    // a million onto 5,010,000 (1,996 bp) is under a fifth however large the amount; onto 5,000,000 it is a fifth, HIGH by its size
    expect(credit(czk(1_000_000), czk(5_010_000), { kind: 'CASH' })).toEqual([]);
    expect(credit(czk(1_000_000), czk(5_000_000), { kind: 'CASH' }).map((finding) => [finding.kind, finding.priority])).toEqual([['LARGE_INFLOW', 'HIGH']]);
  });

  it("a credit no larger than a day's money in of the customer's last 90 days is their normal; a haléř more is news", () => {
    // 100,000 in cash onto 400,000 (25%): large by the tier's amount, unless the customer had a day of 100,000 in before
    expect(credit(czk(100_000), czk(400_000), { kind: 'CASH', history: { largestDayBefore: () => czk(100_000) } })).toEqual([]);
    expect(credit(czk(100_000), czk(400_000), { kind: 'CASH', history: { largestDayBefore: () => czk(100_000) - 1 } }).map((f) => f.kind)).toEqual(['LARGE_INFLOW']);
  });

  it('a customer known for less than 30 days: the tier amount counts only with its share too, and the relative path not at all', () => {
    const young = (amount: number, average: number) => {
      const transaction = new Ledger('c-1', { 'a-1': average }).credit(amount, pragueWinter('2024-01-10'), { counterpartyKind: 'CASH' });
      return detectInflow(transaction, measures(average, 0), { ...measures(average, amount), totalBalance: average + amount }, { rules, tier: null }, { monthlyRepeat: false, noBaseline: true }).map((f) => f.kind);
    };
    expect(young(czk(100_000), czk(500_000))).toEqual(['LARGE_INFLOW']);
    expect(young(czk(100_000), czk(500_200))).toEqual([]);
    // an empty relationship has no share to judge by: the tier's amount alone
    expect(young(czk(100_000), 0)).toEqual(['LARGE_INFLOW']);
    expect(young(czk(100_000) - 1, 0)).toEqual([]);
    // as much again as the average, under the tier's amount: no normal to jump from
    expect(young(czk(50_000), czk(50_000))).toEqual([]);
  });
});

describe('money moved in from other banks in tranches (7-day window, 100,000 by default)', () => {
  it('tells the tranche that crosses the threshold, with the window sum and its evidence', () => {
    const [finding] = credit(czk(60_000), czk(400_000), { inflowBefore: czk(40_000) });
    expect(finding).toMatchObject({
      kind: 'CUMULATIVE_INFLOW',
      priority: 'HIGH',
      reason: 'Received 100,000.00 CZK from other banks in 7 days, in more than one transfer',
      amountAtStakeMinor: czk(100_000),
      counterpartyKind: 'OTHER_BANK',
      toCompetitor: false,
      feeds: ['rm', 'campaign'],
      evidence: [
        { metric: 'inflow_7d', unit: 'MINOR_UNITS', value: czk(100_000), threshold: czk(100_000), baseline: 0 },
        { metric: 'average_daily_balance_30d', unit: 'MINOR_UNITS', value: czk(400_000), threshold: null, baseline: null },
        { metric: 'relationship_balance_after', unit: 'MINOR_UNITS', value: czk(460_000), threshold: null, baseline: czk(400_000) },
      ],
    });
    expect(finding?.suggestedAction).toMatch(/bringing money over in steps/);
  });

  it('tells nothing below the threshold, nor for the tranches after the one that crossed it', () => {
    // on 400,000 every sum from 80,000 on is a fifth of the average: only the amount decides
    expect(credit(czk(60_000), czk(400_000), { inflowBefore: czk(40_000) - 1 })).toEqual([]);
    expect(credit(czk(10_000), czk(400_000), { inflowBefore: czk(100_000) })).toEqual([]);
  });

  it('a window sum over the amount is a jump only at a fifth of the 30-day average: the tranche that reaches the share is told', () => {
    // onto 600,000 a fifth is 120,000: a sum of 100,000 (1,667 bp) crosses the amount but is not yet a jump
    expect(credit(czk(40_000), czk(600_000), { inflowBefore: czk(60_000) })).toEqual([]);
    // the next tranche brings the sum to 120,000: exactly a fifth, and the sum before (100,000) was not one
    expect(credit(czk(20_000), czk(600_000), { inflowBefore: czk(100_000) }).map((f) => [f.kind, f.reason])).toEqual([
      ['CUMULATIVE_INFLOW', 'Received 120,000.00 CZK from other banks in 7 days, in more than one transfer'],
    ]);
    // and the one after it is not told again
    expect(credit(czk(10_000), czk(600_000), { inflowBefore: czk(120_000) })).toEqual([]);
  });

  it("a window sum is news only at 1.5 times the customer's usual 7-day sum: 120,000 against a usual 80,000 is, a haléř less is not", () => {
    // onto 400,000 (every sum from 80,000 on is a fifth of it): 60,000 more onto 60,000 is 120,000, exactly 15,000 bp
    // of the usual 80,000; onto 59,999.99 it is 119,999.99, under it (though over the 100,000 and the share)
    expect(credit(czk(60_000), czk(400_000), { inflowBefore: czk(60_000), usual: czk(80_000) }).map((f) => [f.kind, f.evidence[0]])).toEqual([
      ['CUMULATIVE_INFLOW', { metric: 'inflow_7d', unit: 'MINOR_UNITS', value: czk(120_000), threshold: czk(100_000), baseline: czk(80_000) }],
    ]);
    expect(credit(czk(60_000), czk(400_000), { inflowBefore: czk(60_000) - 1, usual: czk(80_000) })).toEqual([]);
    // the sum before (100,000 against a usual 80,000: 12,500 bp) had not met it: 130,000 is the tranche that does
    expect(credit(czk(30_000), czk(400_000), { inflowBefore: czk(100_000), usual: czk(80_000) }).map((f) => f.kind)).toEqual(['CUMULATIVE_INFLOW']);
  });

  it('is MEDIUM when the kinds summed are not competitors (cash), HIGH for a top tier', () => {
    const { rules: cash } = coreWith((raw) => {
      raw.largeInflow.cumulative.kinds = ['CASH'];
    });
    expect(credit(czk(20_000), czk(400_000), { kind: 'CASH', inflowBefore: czk(80_000), context: { rules: cash } }).map((f) => [f.kind, f.priority])).toEqual([['CUMULATIVE_INFLOW', 'MEDIUM']]);
    expect(credit(czk(20_000), czk(2_000_000), { kind: 'CASH', inflowBefore: czk(490_000), context: { rules: cash, tier: 'PLATINUM' } }).map((f) => [f.kind, f.priority])).toEqual([['CUMULATIVE_INFLOW', 'HIGH']]);
  });

  it('is HIGH, not more, from 1,000,000 on, whoever the customer is', () => {
    const { rules: cash } = coreWith((raw) => {
      raw.largeInflow.cumulative.kinds = ['CASH'];
      raw.largeInflow.single.minAmountMinor.default = czk(5_000_000);
      raw.largeInflow.single.shareFloorMinor = czk(5_000_000);
      raw.largeInflow.cumulative.minAmountMinor.default = czk(990_000);
    });
    const sumOf = (total: number) => credit(czk(20_000), czk(4_000_000), { kind: 'CASH', inflowBefore: total - czk(20_000), context: { rules: cash } }).map((f) => [f.kind, f.priority]);
    expect(sumOf(czk(1_000_000))).toEqual([['CUMULATIVE_INFLOW', 'HIGH']]);
    expect(sumOf(czk(1_000_000) - 1)).toEqual([['CUMULATIVE_INFLOW', 'MEDIUM']]);
  });
});

describe('a top-tier customer', () => {
  it('is raised from MEDIUM to HIGH, but money from a competitor, already HIGH, is not raised further', () => {
    // PLATINUM: a single credit is large from 500,000, at a fifth of the average or more: 600,000 onto 3,000,000 is 20%
    const priorityOf = (kind: CounterpartyKind) => credit(czk(600_000), czk(3_000_000), { kind, context: { tier: 'PLATINUM' } }).map((f) => [f.kind, f.priority]);
    expect(priorityOf('CASH')).toEqual([['LARGE_INFLOW', 'HIGH']]);
    expect(priorityOf('OTHER_BANK')).toEqual([['LARGE_INFLOW', 'HIGH']]);
  });
});
