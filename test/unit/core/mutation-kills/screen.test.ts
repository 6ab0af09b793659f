import { describe, expect, it } from 'vitest';
import type { DetectionContext } from '../../../../src/core/detectors/context.ts';
import { mayRaiseFinding } from '../../../../src/core/detectors/screen.ts';
import type { Category, CounterpartyKind, Transaction } from '../../../../src/domain/transaction.ts';
import { coreWith, czk, rules } from '../../../support/core-fixtures.ts';

// The shipped rules: a single outflow is measured from min(100,000 by default, 20,000 share floor) = 20,000 CZK, a
// single inflow from min(100,000, 30,000) = 30,000 CZK; cumulative outflow watches OTHER_BANK and INVESTMENT_PLATFORM,
// cumulative inflow OTHER_BANK; leakage to a competitor counts from 5,000 CZK.
const posting = (direction: Transaction['direction'], amountMinor: number, counterpartyKind: CounterpartyKind, category: Category = 'TRANSFER'): Transaction => ({
  transactionId: 't-1',
  accountId: 'a-1',
  customerId: 'c-1',
  amountMinor,
  currency: 'CZK',
  direction,
  balanceAfterMinor: czk(1_000_000),
  eventTime: Date.UTC(2024, 0, 10, 9),
  channel: 'ONLINE',
  category,
  counterpartyKind,
  counterpartyBankCode: null,
  initiatedBy: 'CUSTOMER',
});
const shipped: DetectionContext = { rules, tier: null };

describe('screening a debit: what may become an outflow alert is measured', () => {
  it.each([
    { name: 'a cash withdrawal exactly at the 20,000 single-outflow floor', amount: czk(20_000), kind: 'CASH', measured: true },
    { name: 'a cash withdrawal one haléř below the floor', amount: czk(20_000) - 1, kind: 'CASH', measured: false },
    { name: 'a payment to another customer of the bank at the floor', amount: czk(20_000), kind: 'SAME_BANK_CUSTOMER', measured: true },
    { name: 'a card payment below the floor', amount: czk(19_999), kind: 'NONE', measured: false },
    { name: 'a move to the customer’s own account, however large (not outflow)', amount: czk(5_000_000), kind: 'OWN_ACCOUNT', measured: false },
    { name: 'one haléř to another bank (cumulative outflow adds it up)', amount: 1, kind: 'OTHER_BANK', measured: true },
    { name: 'one haléř to an investment platform (cumulative outflow adds it up)', amount: 1, kind: 'INVESTMENT_PLATFORM', measured: true },
  ] as const)('$name: measured $measured', ({ amount, kind, measured }) => {
    expect(mayRaiseFinding(posting('DEBIT', amount, kind), shipped)).toBe(measured);
  });

  it('lowers the single-outflow floor with the watch factor (halved after an RM change)', () => {
    const watched: DetectionContext = { rules, tier: null, thresholdFactorBp: 5_000 };
    expect(mayRaiseFinding(posting('DEBIT', czk(10_000), 'CASH'), watched)).toBe(true);
    expect(mayRaiseFinding(posting('DEBIT', czk(10_000) - 1, 'CASH'), watched)).toBe(false);
    expect(mayRaiseFinding(posting('DEBIT', czk(10_000), 'CASH'), shipped)).toBe(false);
  });

  it('takes the tier’s own single-outflow threshold when it is below the share floor', () => {
    // share floor raised to 1,000,000: the floor is then the tier's threshold (GOLD 200,000; default 100,000)
    const { rules: edited } = coreWith((raw) => {
      raw.largeOutflow.single.shareFloorMinor = czk(1_000_000);
    });
    expect(mayRaiseFinding(posting('DEBIT', czk(100_000), 'CASH'), { rules: edited, tier: null })).toBe(true);
    expect(mayRaiseFinding(posting('DEBIT', czk(100_000), 'CASH'), { rules: edited, tier: 'GOLD' })).toBe(false);
    expect(mayRaiseFinding(posting('DEBIT', czk(200_000), 'CASH'), { rules: edited, tier: 'GOLD' })).toBe(true);
  });

  it('measures any debit to a competitor the cumulative window does not watch, however small (a small customer’s exit)', () => {
    const { rules: edited } = coreWith((raw) => {
      raw.largeOutflow.cumulative.kinds = ['OTHER_BANK'];
    });
    const context: DetectionContext = { rules: edited, tier: null };
    expect(mayRaiseFinding(posting('DEBIT', 1, 'INVESTMENT_PLATFORM'), context)).toBe(true);
    // cash is no competitor: 5,000 in cash is below the single floor and nothing else
    expect(mayRaiseFinding(posting('DEBIT', czk(5_000), 'CASH'), context)).toBe(false);
  });
});

describe('screening a credit: what may become an inflow alert is measured', () => {
  it.each([
    { name: 'cash exactly at the 30,000 single-inflow floor', amount: czk(30_000), kind: 'CASH', category: 'TRANSFER', measured: true },
    { name: 'cash one haléř below it', amount: czk(30_000) - 1, kind: 'CASH', category: 'TRANSFER', measured: false },
    { name: 'a credit from the customer’s own account, however large', amount: czk(5_000_000), kind: 'OWN_ACCOUNT', category: 'TRANSFER', measured: false },
    { name: 'one haléř from another bank (cumulative inflow adds it up)', amount: 1, kind: 'OTHER_BANK', category: 'TRANSFER', measured: true },
    { name: 'a small credit from an investment platform (not a cumulative-inflow kind)', amount: czk(1_000), kind: 'INVESTMENT_PLATFORM', category: 'TRANSFER', measured: false },
    { name: 'a large salary (excluded category)', amount: czk(5_000_000), kind: 'CASH', category: 'SALARY', measured: false },
    { name: 'a large pension (excluded category)', amount: czk(5_000_000), kind: 'OTHER_BANK', category: 'PENSION', measured: false },
    { name: 'large interest (excluded category)', amount: czk(5_000_000), kind: 'NONE', category: 'INTEREST', measured: false },
  ] as const)('$name: measured $measured', ({ amount, kind, category, measured }) => {
    expect(mayRaiseFinding(posting('CREDIT', amount, kind, category), shipped)).toBe(measured);
  });

  it('does not lower the inflow floor while the customer is on watch (the watch is about money leaving)', () => {
    const watched: DetectionContext = { rules, tier: null, thresholdFactorBp: 5_000 };
    expect(mayRaiseFinding(posting('CREDIT', czk(29_999), 'CASH'), watched)).toBe(false);
  });

  it('takes the tier’s own single-inflow threshold when it is below the share floor', () => {
    const { rules: edited } = coreWith((raw) => {
      raw.largeInflow.single.shareFloorMinor = czk(1_000_000);
    });
    expect(mayRaiseFinding(posting('CREDIT', czk(100_000), 'CASH'), { rules: edited, tier: null })).toBe(true);
    expect(mayRaiseFinding(posting('CREDIT', czk(100_000), 'CASH'), { rules: edited, tier: 'GOLD' })).toBe(false);
  });

  it('never counts regular income from another bank towards cumulative inflow, even when the rules do not exclude it', () => {
    const { rules: edited } = coreWith((raw) => {
      raw.largeInflow.excludedCategories = ['INTEREST'];
    });
    const context: DetectionContext = { rules: edited, tier: null };
    expect(mayRaiseFinding(posting('CREDIT', czk(1_000), 'OTHER_BANK', 'SALARY'), context)).toBe(false);
    expect(mayRaiseFinding(posting('CREDIT', czk(1_000), 'OTHER_BANK', 'PENSION'), context)).toBe(false);
    expect(mayRaiseFinding(posting('CREDIT', czk(1_000), 'OTHER_BANK', 'TRANSFER'), context)).toBe(true);
    // but a large salary is then a single inflow like any other
    expect(mayRaiseFinding(posting('CREDIT', czk(30_000), 'OTHER_BANK', 'SALARY'), context)).toBe(true);
  });
});
