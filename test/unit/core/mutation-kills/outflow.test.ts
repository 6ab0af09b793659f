import { describe, expect, it } from 'vitest';
import type { Measures } from '../../../../src/core/detectors/measures.ts';
import { detectOutflow } from '../../../../src/core/detectors/outflow.ts';
import type { CounterpartyKind } from '../../../../src/domain/transaction.ts';
import { Ledger, czk, pragueWinter, rules } from '../../../support/core-fixtures.ts';

/**
 * One debit against measures taken around it (shipped rules: a single outflow is large from 100,000, or from 20,000
 * when it is half the balance; an exit to a competitor leaves at most 20% of the 30-day average; leakage from 5,000).
 * `balance`: the relationship balance before; `normal`: the 30-day average (the balance unless said); `recentBefore`:
 * what went to competitors in the last few days before this debit.
 */
function debit(kind: CounterpartyKind, amount: number, balance: number, options: { normal?: number; competitorOutflow90?: number; recentBefore?: number } = {}) {
  const competitor = rules.competitorKinds.includes(kind) ? amount : 0;
  const before: Measures = {
    totalBalance: balance,
    averageDailyBalance30: options.normal ?? balance,
    cumulativeOutflow: 0,
    usualCumulativeOutflow: 0,
    cumulativeInflow: 0,
    usualCumulativeInflow: 0,
    competitorOutflow90: options.competitorOutflow90 ?? 0,
    competitorOutflowRecent: options.recentBefore ?? 0,
    customerTransactions30: 0,
  };
  const after: Measures = { ...before, totalBalance: balance - amount, competitorOutflow90: before.competitorOutflow90 + competitor, competitorOutflowRecent: before.competitorOutflowRecent + competitor };
  const transaction = new Ledger('c-1', { 'a-1': balance }).debit(amount, pragueWinter('2024-01-10'), { counterpartyKind: kind });
  return detectOutflow(transaction, before, after, { rules, tier: 'SILVER' });
}
const brief = (findings: ReturnType<typeof detectOutflow>) => findings.map(({ kind, priority, feeds }) => [kind, priority, feeds]);

describe('a single large outflow', () => {
  it('half the balance counts from exactly the 20,000 share floor', () => {
    expect(brief(debit('CASH', czk(20_000), czk(40_000)))).toEqual([['LARGE_OUTFLOW', 'MEDIUM', ['risk']]]);
    expect(brief(debit('CASH', czk(20_000) - 1, czk(40_000) - 2))).toEqual([]);
  });

  it('asks the RM about the other institution when the money went to a competitor, about the need otherwise', () => {
    expect(debit('OTHER_BANK', czk(200_000), czk(1_000_000))[0]!.suggestedAction).toBe(
      'Call the customer today: ask what the other institution offers and what would keep the money here.',
    );
    expect(debit('CASH', czk(200_000), czk(1_000_000))[0]!.suggestedAction).toBe('Check with the customer whether the money is coming back or a need is not being met.');
  });

  it('is no exit when tidewatch knows no normal balance for the customer (a 30-day average of nothing)', () => {
    // the whole balance to another bank, seen before any close: large (100% of the balance), for the risk team only
    expect(brief(debit('OTHER_BANK', czk(30_000), czk(30_000), { normal: 0 }))).toEqual([['LARGE_OUTFLOW', 'HIGH', ['risk']]]);
  });

  it('is no exit when exactly 20% of the normal was already all that was left: the line was crossed before', () => {
    // normal 100,000, 80,000 of it to another bank yesterday; 20,000 left, 20,000 goes: 20% is not more than may stay
    expect(brief(debit('OTHER_BANK', czk(20_000), czk(20_000), { normal: czk(100_000), recentBefore: czk(80_000) }))).toEqual([['LARGE_OUTFLOW', 'HIGH', ['risk']]]);
    // 20,050 left (20.05%, shares are whole basis points): this debit crosses the line, and completes the exit
    expect(brief(debit('OTHER_BANK', czk(20_050), czk(20_050), { normal: czk(100_000), recentBefore: czk(79_950) }))).toEqual([['LARGE_OUTFLOW', 'URGENT', ['rm', 'risk']]]);
  });

  it('an exit is LOW only under the 5,000 value floor: a normal of exactly 5,000 is told URGENT', () => {
    expect(brief(debit('OTHER_BANK', czk(5_000), czk(5_000)))).toEqual([['LARGE_OUTFLOW', 'URGENT', ['rm', 'risk']]]);
    expect(brief(debit('OTHER_BANK', czk(5_000) - 1, czk(5_000) - 1))).toEqual([['LARGE_OUTFLOW', 'LOW', ['rm', 'risk']]]);
  });
});

describe('leakage', () => {
  it('says how much went where, and that the RM need do nothing', () => {
    const [finding] = debit('INVESTMENT_PLATFORM', czk(8_000), czk(1_000_000), { competitorOutflow90: czk(12_000) });
    expect(finding).toMatchObject({
      kind: 'LEAKAGE',
      reason: '8,000.00 CZK to a broker, fund company or internet-finance platform',
      suggestedAction: 'None for the RM; counted in the risk team’s leakage figures.',
      evidence: [
        { metric: 'amount', unit: 'MINOR_UNITS', value: czk(8_000), threshold: czk(5_000), baseline: null },
        { metric: 'competitor_outflow_90d', unit: 'MINOR_UNITS', value: czk(20_000), threshold: null, baseline: czk(12_000) },
      ],
    });
  });
});
