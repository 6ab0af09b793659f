import { describe, expect, it } from 'vitest';
import { measure } from '../../../../src/core/detectors/measures.ts';
import { applyTransaction, featuresAsOf } from '../../../../src/core/features.ts';
import type { Rules } from '../../../../src/core/rules.ts';
import type { Transaction } from '../../../../src/domain/transaction.ts';
import { Ledger, calendar, coreWith, czk, pragueWinter, rules, seededState } from '../../../support/core-fixtures.ts';

/**
 * The numbers the transaction detectors compare, measured as of 1 Mar 2024 (shipped rules: the outflow window is 30
 * days of transfers to other banks and investment platforms, the inflow window 7 days from other banks; an exit's
 * transfers are added up over 5 days). The customer held 500,000 since June 2023; then:
 */
function history(ruleSet: Rules = rules) {
  const state = seededState({ balances: { 'a-1': czk(500_000) }, since: pragueWinter('2023-06-01') });
  const ledger = new Ledger('c-1', { 'a-1': czk(500_000) });
  const postings: Transaction[] = [
    // before the 30-day window (3 Dec .. 31 Jan): the customer's usual
    ledger.debit(czk(12_000), pragueWinter('2023-12-15'), { counterpartyKind: 'OTHER_BANK' }),
    ledger.debit(czk(6_000), pragueWinter('2024-01-01'), { counterpartyKind: 'INVESTMENT_PLATFORM' }),
    // a salary: regular income, never money moved over
    ledger.credit(czk(30_000), pragueWinter('2024-02-15'), { counterpartyKind: 'OTHER_BANK', category: 'SALARY', initiatedBy: 'SYSTEM' }),
    // in the 30-day window (1 Feb .. 1 Mar)
    ledger.debit(czk(9_000), pragueWinter('2024-02-20'), { counterpartyKind: 'OTHER_BANK' }),
    ledger.credit(czk(5_000), pragueWinter('2024-02-20'), { counterpartyKind: 'OTHER_BANK', initiatedBy: 'SYSTEM' }),
    ledger.debit(czk(4_000), pragueWinter('2024-02-25'), { counterpartyKind: 'OTHER_BANK' }),
    // in the last 5 days (26 Feb .. 1 Mar) and the last 7 (24 Feb .. 1 Mar)
    ledger.debit(czk(3_000), pragueWinter('2024-02-26'), { counterpartyKind: 'OTHER_BANK' }),
    ledger.debit(czk(7_000), pragueWinter('2024-02-27'), { counterpartyKind: 'CASH', category: 'CASH', channel: 'ATM' }),
    ledger.credit(czk(11_000), pragueWinter('2024-02-27'), { counterpartyKind: 'OTHER_BANK', initiatedBy: 'SYSTEM' }),
    ledger.debit(czk(2_000), pragueWinter('2024-02-28'), { counterpartyKind: 'INVESTMENT_PLATFORM' }),
  ];
  postings.forEach((posting, offset) => applyTransaction(state, posting, { partition: 0, offset }, ruleSet, calendar));
  return measure(featuresAsOf(state, pragueWinter('2024-03-01'), calendar), ruleSet);
}

describe('the measures around a transaction', () => {
  it('add up each window from its own days, the usual outflow from the 60 retained days before the window', () => {
    expect(history()).toMatchObject({
      totalBalance: czk(500_000 - 12_000 - 6_000 + 30_000 - 9_000 + 5_000 - 4_000 - 3_000 - 7_000 + 11_000 - 2_000),
      // 9,000 + 4,000 + 3,000 + 2,000 to competitors in 30 days (cash is not a kind the window watches)
      cumulativeOutflow: czk(18_000),
      // 12,000 + 6,000 in the 60 days before, per 30 days
      usualCumulativeOutflow: czk(9_000),
      // from other banks in 7 days, the salary and the transfer of 20 Feb apart
      cumulativeInflow: czk(11_000),
      // the 5,000 of 20 Feb in the 83 retained days before the 7-day window, per 7 days
      usualCumulativeInflow: Math.round((czk(5_000) * 7) / 83),
      competitorOutflow90: czk(36_000),
      // 26 Feb .. 1 Mar: 3,000 + 2,000 (the 4,000 of 25 Feb is six days back)
      competitorOutflowRecent: czk(5_000),
      // the seven debits the customer made; 5 in the last 30 days
      customerTransactions30: 5,
    });
  });

  it('the 30-day average balance is that of the daily closes', () => {
    const steady = seededState({ balances: { 'a-1': czk(500_000) }, since: pragueWinter('2023-06-01') });
    expect(measure(featuresAsOf(steady, pragueWinter('2024-03-01'), calendar), rules)).toEqual({
      totalBalance: czk(500_000),
      averageDailyBalance30: czk(500_000),
      cumulativeOutflow: 0,
      usualCumulativeOutflow: 0,
      cumulativeInflow: 0,
      usualCumulativeInflow: 0,
      competitorOutflow90: 0,
      competitorOutflowRecent: 0,
      customerTransactions30: 0,
    });
  });

  it('a 7-day outflow window takes its usual from the 83 days before it', () => {
    const { rules: weekly } = coreWith((raw) => void (raw.largeOutflow.cumulative.windowDays = 7));
    // 7 days (24 Feb .. 1 Mar): 3,000 + 2,000 + 4,000 (25 Feb); before it 12,000 + 6,000 + 9,000 = 27,000 over 83 days
    expect(history(weekly)).toMatchObject({ cumulativeOutflow: czk(9_000), usualCumulativeOutflow: Math.round((czk(27_000) * 7) / 83) });
  });

  it('an outflow window as long as the retained days (90) has no usual to compare with', () => {
    const { rules: quarterly } = coreWith((raw) => void (raw.largeOutflow.cumulative.windowDays = 90));
    expect(history(quarterly)).toMatchObject({ cumulativeOutflow: czk(36_000), usualCumulativeOutflow: 0 });
  });
});
