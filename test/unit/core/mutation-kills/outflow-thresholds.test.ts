import { describe, expect, it } from 'vitest';
import type { DetectionContext } from '../../../../src/core/detectors/context.ts';
import type { Measures } from '../../../../src/core/detectors/measures.ts';
import { detectOutflow } from '../../../../src/core/detectors/outflow.ts';
import type { CounterpartyKind } from '../../../../src/domain/transaction.ts';
import { Ledger, coreWith, czk, pragueWinter } from '../../../support/core-fixtures.ts';

// The cumulative-outflow thresholds alone: another bank is not a single-outflow kind in these rules, so no single
// large outflow takes the transaction first. Otherwise the shipped rules: the 30-day sum to other banks and
// investment platforms counts from 150,000 (GOLD 300,000, PLATINUM 600,000), or from 30,000 when it is 40% of the
// 30-day average balance, and only at 1.5 × the customer's usual sum for 30 days; URGENT at 80% of the average or
// 1,000,000 at stake.
const { rules } = coreWith((raw) => {
  raw.largeOutflow.countedKinds = ['CASH', 'SAME_BANK_CUSTOMER', 'NONE'];
});

/** A debit to `kind` of the 30-day sum's growth, from a steady `average`; `usual`: the customer's usual 30-day sum. */
function cumulative(options: { average: number; sumBefore?: number; sumAfter: number; usual?: number; kind?: CounterpartyKind; context?: Partial<DetectionContext> }) {
  const { average, sumBefore = 0, sumAfter, usual = 0, kind = 'OTHER_BANK' } = options;
  const amount = sumAfter - sumBefore;
  const debit = new Ledger('c-1', { 'a-1': average }).debit(amount, pragueWinter('2024-01-10'), { counterpartyKind: kind });
  const before: Measures = {
    totalBalance: average,
    averageDailyBalance30: average,
    cumulativeOutflow: sumBefore,
    usualCumulativeOutflow: usual,
    cumulativeInflow: 0,
    usualCumulativeInflow: 0,
    competitorOutflow90: sumBefore,
    competitorOutflowRecent: 0,
    customerTransactions30: 3,
  };
  const after: Measures = { ...before, totalBalance: average - amount, cumulativeOutflow: sumAfter, competitorOutflow90: sumAfter, competitorOutflowRecent: amount };
  return detectOutflow(debit, before, after, { rules, tier: null, ...options.context });
}
const kindAndPriority = (findings: ReturnType<typeof cumulative>) => findings.map((finding) => [finding.kind, finding.priority]);

describe('cumulative outflow: when the 30-day sum to competitors is news', () => {
  it.each([
    { name: 'at the 150,000 threshold', sumAfter: czk(150_000), average: czk(5_000_000), alert: [['CUMULATIVE_OUTFLOW', 'HIGH']] },
    { name: 'a haléř below it (a leakage for the risk feed only)', sumAfter: czk(150_000) - 1, average: czk(5_000_000), alert: [['LEAKAGE', 'LOW']] },
    { name: '40% of the average, above the 30,000 share floor', sumAfter: czk(30_000), average: czk(75_000), alert: [['CUMULATIVE_OUTFLOW', 'HIGH']] },
    { name: 'under 40% of the average', sumAfter: czk(30_000), average: czk(76_000), alert: [['LEAKAGE', 'LOW']] },
    { name: '60% of the average but under the share floor', sumAfter: czk(30_000) - 1, average: czk(50_000), alert: [['LEAKAGE', 'LOW']] },
  ])('$name → $alert', ({ sumAfter, average, alert }) => {
    expect(kindAndPriority(cumulative({ sumAfter, average }))).toEqual(alert);
  });

  it('tells only the transaction that crosses the line, not the later ones in the same window', () => {
    expect(kindAndPriority(cumulative({ sumBefore: czk(150_000), sumAfter: czk(200_000), average: czk(5_000_000) }))).toEqual([['LEAKAGE', 'LOW']]);
    expect(kindAndPriority(cumulative({ sumBefore: czk(100_000), sumAfter: czk(200_000), average: czk(5_000_000) }))).toEqual([['CUMULATIVE_OUTFLOW', 'HIGH']]);
  });

  it('needs 1.5 × the customer’s usual 30-day sum: a multi-banker’s habit is not news', () => {
    expect(kindAndPriority(cumulative({ sumAfter: czk(300_000), usual: czk(200_000), average: czk(5_000_000) }))).toEqual([['CUMULATIVE_OUTFLOW', 'HIGH']]);
    expect(kindAndPriority(cumulative({ sumAfter: czk(300_000) - 1, usual: czk(200_000), average: czk(5_000_000) }))).toEqual([['LEAKAGE', 'LOW']]);
    // once the sum is past 1.5 × usual, crossing the usual line is the news, even above the money threshold before
    expect(kindAndPriority(cumulative({ sumBefore: czk(250_000), sumAfter: czk(300_000), usual: czk(200_000), average: czk(5_000_000) }))).toEqual([['CUMULATIVE_OUTFLOW', 'HIGH']]);
  });

  it('lowers its thresholds with the watch factor', () => {
    const watched = { thresholdFactorBp: 5_000 };
    expect(kindAndPriority(cumulative({ sumAfter: czk(75_000), average: czk(5_000_000), context: watched }))).toEqual([['CUMULATIVE_OUTFLOW', 'HIGH']]);
    expect(kindAndPriority(cumulative({ sumAfter: czk(75_000) - 1, average: czk(5_000_000), context: watched }))).toEqual([['LEAKAGE', 'LOW']]);
    // the share floor halves too: 15,000 is 40% of 37,500
    expect(kindAndPriority(cumulative({ sumAfter: czk(15_000), average: czk(37_500), context: watched }))).toEqual([['CUMULATIVE_OUTFLOW', 'HIGH']]);
  });

  it('takes the tier’s own threshold (GOLD 300,000)', () => {
    expect(kindAndPriority(cumulative({ sumAfter: czk(300_000) - 1, average: czk(5_000_000), context: { tier: 'GOLD' } }))).toEqual([['LEAKAGE', 'LOW']]);
    expect(kindAndPriority(cumulative({ sumAfter: czk(300_000), average: czk(5_000_000), context: { tier: 'GOLD' } }))).toEqual([['CUMULATIVE_OUTFLOW', 'HIGH']]);
  });
});

describe('cumulative outflow: how urgent', () => {
  it.each([
    { name: '80% of the 30-day average gone: URGENT', sumAfter: czk(160_000), average: czk(200_000), priority: 'URGENT' },
    { name: '79.99%: HIGH', sumAfter: czk(159_980), average: czk(200_000), priority: 'HIGH' },
    { name: '1,000,000 at stake: URGENT whatever the share', sumAfter: czk(1_000_000), average: czk(5_000_000), priority: 'URGENT' },
    { name: 'a haléř less: HIGH', sumAfter: czk(1_000_000) - 1, average: czk(5_000_000), priority: 'HIGH' },
  ])('$name', ({ sumAfter, average, priority }) => {
    expect(kindAndPriority(cumulative({ sumAfter, average }))).toEqual([['CUMULATIVE_OUTFLOW', priority]]);
  });

  it('raises a top-tier customer’s by one step (PLATINUM: HIGH → URGENT)', () => {
    expect(kindAndPriority(cumulative({ sumAfter: czk(600_000), average: czk(5_000_000), context: { tier: 'PLATINUM' } }))).toEqual([['CUMULATIVE_OUTFLOW', 'URGENT']]);
  });

  it('is MEDIUM when the watched kinds are not all competitors (cash counted too), HIGH for a top tier', () => {
    const { rules: withCash } = coreWith((raw) => {
      raw.largeOutflow.countedKinds = ['SAME_BANK_CUSTOMER', 'NONE'];
      raw.largeOutflow.cumulative.kinds = ['OTHER_BANK', 'CASH'];
    });
    const findings = cumulative({ sumAfter: czk(150_000), average: czk(5_000_000), kind: 'CASH', context: { rules: withCash } });
    expect(kindAndPriority(findings)).toEqual([['CUMULATIVE_OUTFLOW', 'MEDIUM']]);
    expect(findings[0]?.toCompetitor).toBe(false);
    const top = cumulative({ sumAfter: czk(600_000), average: czk(5_000_000), kind: 'CASH', context: { rules: withCash, tier: 'PLATINUM' } });
    expect(kindAndPriority(top)).toEqual([['CUMULATIVE_OUTFLOW', 'HIGH']]);
  });

  it('says what moved where, against the average and the customer’s usual, with its evidence', () => {
    const [finding] = cumulative({ sumBefore: czk(20_000), sumAfter: czk(180_000), usual: czk(40_000), average: czk(400_000) });
    expect(finding).toMatchObject({
      kind: 'CUMULATIVE_OUTFLOW',
      priority: 'HIGH',
      reason: '180,000.00 CZK moved to other banks and investment platforms in 30 days, 45% of the 30-day average balance; usual for 30 days: 40,000.00 CZK',
      amountAtStakeMinor: czk(180_000),
      counterpartyKind: 'OTHER_BANK',
      toCompetitor: true,
      // the RM hears of gradual leakage through the churn score, not from this alert
      feeds: ['risk'],
      evidence: [
        { metric: 'outflow_30d', unit: 'MINOR_UNITS', value: czk(180_000), threshold: czk(150_000), baseline: czk(40_000) },
        { metric: 'share_of_average_balance_30d', unit: 'BASIS_POINTS', value: 4_500, threshold: 4_000, baseline: null },
        { metric: 'average_daily_balance_30d', unit: 'MINOR_UNITS', value: czk(400_000), threshold: null, baseline: null },
        { metric: 'relationship_balance_after', unit: 'MINOR_UNITS', value: czk(240_000), threshold: null, baseline: null },
      ],
    });
    expect(finding?.suggestedAction).toMatch(/leaking gradually/);
  });
});
