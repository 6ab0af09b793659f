import { describe, expect, it } from 'vitest';
import { CustomerFeatures } from '../../../../src/core/features.ts';
import { competitorRun, largestMonthOfShare, rememberMonths, rememberedMonths } from '../../../../src/core/month-memory.ts';
import type { CustomerState } from '../../../../src/core/state.ts';
import { calendar, czk, seededState } from '../../../support/core-fixtures.ts';

const COMPETITORS = ['OTHER_BANK', 'INVESTMENT_PLATFORM'] as const;

/** A customer holding 100,000.00 since the start of business day `sinceDay`, remembering these [last day, average balance, to competitors] months. */
function customer(sinceDay: number, ...months: Array<[number, number, number]>): CustomerState {
  const state = seededState({ balances: { 'a-1': czk(100_000) }, since: calendar.startOf(sinceDay) });
  if (months.length > 0) state.months = months.flat();
  return state;
}

describe('the month memory: a block is remembered once', () => {
  it('a customer remembering one month does not measure it again at the next close', () => {
    // first seen on day 19,660: block 656 (19,680..19,709) is the first whole block after it
    const state = customer(19_660);
    rememberMonths(state, new CustomerFeatures(state, 19_709, calendar), COMPETITORS);
    expect(rememberedMonths(state).map((month) => month.endDay)).toEqual([19_709]);
    rememberMonths(state, new CustomerFeatures(state, 19_710, calendar), COMPETITORS);
    expect(rememberedMonths(state).map((month) => month.endDay)).toEqual([19_709]);
  });
});

describe('largestMonthOfShare: the largest, whatever the order of the months', () => {
  it('a smaller month of the share after a larger one leaves the larger', () => {
    // 90 of 10 + 90 (90%), then 60 of 40 + 60 (60%): both at least half of what was held
    const state = customer(19_000, [19_649, czk(10), czk(90)], [19_679, czk(40), czk(60)]);
    expect(largestMonthOfShare(state, 19_710, 0.5)).toBe(czk(90));
  });
});

describe('competitorRun after a month never measured: the balance before the run', () => {
  it('is the average of the months measured since the gap, not diluted by the months before it', () => {
    // 19,679 never measured; after it 20,000 of 100,000 sent (a fifth: not money running through the account), then
    // 50,000 (at least twice 20,000): a run of one month
    const state = customer(19_000, [19_649, czk(100_000), 0], [19_709, czk(100_000), czk(20_000)], [19_739, czk(100_000), czk(50_000)]);
    expect(competitorRun(state)).toEqual({ months: 1, perMonth: czk(50_000), perMonthBefore: czk(20_000) });
  });
});
