import { describe, expect, it } from 'vitest';
import { applyTransaction, featuresAsOf } from '../../../../src/core/features.ts';
import { periodAverage, qualifiedTier, tierIndexOf } from '../../../../src/core/tiers.ts';
import { Ledger, calendar, coreWith, czk, pragueWinter, rules, seededState } from '../../../support/core-fixtures.ts';

describe('the period a tier is qualified on', () => {
  // Nothing until 300,000 arrives on 1 Feb; read on 10 Feb: month to date (1..10 Feb) averages 300,000, the rolling
  // 30 days (12 Jan..10 Feb) 10 × 300,000 / 30 = 100,000.
  function featuresOn10Feb() {
    const state = seededState({ balances: { 'a-1': 0 }, since: pragueWinter('2023-10-01') });
    const ledger = new Ledger('c-1', { 'a-1': 0 });
    applyTransaction(state, ledger.credit(czk(300_000), pragueWinter('2024-02-01')), { partition: 0, offset: 0 }, rules, calendar);
    return featuresAsOf(state, pragueWinter('2024-02-10'), calendar);
  }

  it('averages the rolling 30 days by default', () => {
    expect(periodAverage(featuresOn10Feb(), rules)).toBe(czk(100_000));
  });

  it('averages the month so far when the rules say monthToDate', () => {
    const { rules: monthly } = coreWith((raw) => {
      raw.tiers.period = 'monthToDate';
    });
    expect(periodAverage(featuresOn10Feb(), monthly)).toBe(czk(300_000));
  });
});

describe('tiers by name and by average (shipped: SILVER 0, GOLD 100,000 / household 80,000, PLATINUM 300,000 / 250,000, BLACK_GOLD 1,000,000)', () => {
  it.each([
    { name: 'SILVER', index: 0 },
    { name: 'GOLD', index: 1 },
    { name: 'PLATINUM', index: 2 },
    { name: 'BLACK_GOLD', index: 3 },
    { name: 'DIAMOND', index: 0 },
    { name: null, index: 0 },
    { name: undefined, index: 0 },
  ])('$name is tier $index', ({ name, index }) => {
    expect(tierIndexOf(rules, name)).toBe(index);
  });

  it.each([
    { average: 0, household: null, tier: 0 },
    { average: czk(100_000) - 1, household: null, tier: 0 },
    { average: czk(100_000), household: null, tier: 1 },
    { average: czk(300_000), household: null, tier: 2 },
    { average: czk(1_000_000), household: null, tier: 3 },
    // a household qualifies from its own, lower floors...
    { average: 0, household: czk(80_000), tier: 1 },
    { average: 0, household: czk(80_000) - 1, tier: 0 },
    { average: czk(100_000), household: czk(250_000), tier: 2 },
    // ...but BLACK_GOLD has no household floor: a household of millions stops at PLATINUM
    { average: 0, household: czk(5_000_000), tier: 2 },
    // the customer alone can still qualify higher than the household
    { average: czk(1_000_000), household: czk(90_000), tier: 3 },
  ])('average $average, household $household: tier $tier', ({ average, household, tier }) => {
    expect(qualifiedTier(rules, average, household)).toBe(tier);
  });
});
