import { describe, expect, it } from 'vitest';
import { destinationOf, isCompetitor, isTopTier, kindsPhrase, originOf, scaled } from '../../../../src/core/detectors/context.ts';
import { counterpartyKinds } from '../../../../src/domain/transaction.ts';
import { rules } from '../../../support/core-fixtures.ts';

describe('money thresholds as they apply to a customer now', () => {
  it('leaves a threshold as configured without a watch factor or at 10,000 bp', () => {
    expect(scaled({ rules, tier: null }, 12_345)).toBe(12_345);
    expect(scaled({ rules, tier: null, thresholdFactorBp: 10_000 }, 12_345)).toBe(12_345);
  });

  it('scales it by the watch factor, rounded to whole minor units', () => {
    expect(scaled({ rules, tier: null, thresholdFactorBp: 5_000 }, 2_000_000)).toBe(1_000_000);
    expect(scaled({ rules, tier: null, thresholdFactorBp: 5_000 }, 3)).toBe(2); // 1.5 rounds up
    expect(scaled({ rules, tier: null, thresholdFactorBp: 2_500 }, 101)).toBe(25); // 25.25 rounds down
    expect(scaled({ rules, tier: null, thresholdFactorBp: 15_000 }, 100)).toBe(150);
  });
});

describe('who counts as top tier and what counts as a competitor (shipped rules)', () => {
  it.each([
    { tier: null, top: false },
    { tier: 'SILVER', top: false },
    { tier: 'GOLD', top: false },
    { tier: 'PLATINUM', top: true },
    { tier: 'BLACK_GOLD', top: true },
    { tier: 'UNKNOWN_TIER', top: false },
  ])('tier $tier: top $top', ({ tier, top }) => {
    expect(isTopTier({ rules, tier })).toBe(top);
  });

  it('names another bank and an investment platform competitors, nothing else', () => {
    const competitors = counterpartyKinds.filter((kind) => isCompetitor({ rules, tier: null }, kind));
    expect(competitors.sort()).toEqual(['INVESTMENT_PLATFORM', 'OTHER_BANK']);
  });
});

describe('where money went and came from, in the words of an alert', () => {
  it('says where money went for every counterparty kind', () => {
    expect(Object.fromEntries(counterpartyKinds.map((kind) => [kind, destinationOf(kind)]))).toEqual({
      OTHER_BANK: 'to another bank',
      INVESTMENT_PLATFORM: 'to a broker, fund company or internet-finance platform',
      CASH: 'in cash',
      SAME_BANK_CUSTOMER: 'to another customer of the bank',
      OWN_ACCOUNT: 'to the customer’s own account',
      NONE: 'in payments',
    });
  });

  it('says where money came from for every counterparty kind (nothing for plain payments)', () => {
    expect(Object.fromEntries(counterpartyKinds.map((kind) => [kind, originOf(kind)]))).toEqual({
      OTHER_BANK: 'from another bank',
      INVESTMENT_PLATFORM: 'from a broker, fund company or internet-finance platform',
      CASH: 'in cash',
      SAME_BANK_CUSTOMER: 'from another customer of the bank',
      OWN_ACCOUNT: 'from the customer’s own account',
      NONE: '',
    });
  });

  it.each([
    { kinds: [], phrase: '' },
    { kinds: ['OTHER_BANK'], phrase: 'other banks' },
    { kinds: ['OTHER_BANK', 'INVESTMENT_PLATFORM'], phrase: 'other banks and investment platforms' },
    { kinds: ['CASH', 'SAME_BANK_CUSTOMER', 'OWN_ACCOUNT', 'NONE'], phrase: 'cash, other customers of the bank, own accounts and payments' },
  ] as const)('names the kinds summed in a window: $phrase', ({ kinds, phrase }) => {
    expect(kindsPhrase(kinds)).toBe(phrase);
  });
});
