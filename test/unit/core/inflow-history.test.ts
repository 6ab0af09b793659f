import { describe, expect, it } from 'vitest';
import { MemoryStore, Ledger, czk, pragueWinter, profile, seededState, ofKinds } from '../../support/core-fixtures.ts';
import { isMonthlyRepeat } from '../../../src/core/flows.ts';

/**
 * A credit is judged against the customer's own history (PKDD'99: LARGE_INFLOW fired mostly on a customer's ordinary
 * monthly income paid in as a transfer, against a low 30-day average).
 */
describe('a credit the customer receives every month is their normal, not a balance jump', () => {
  const transfer = { counterpartyKind: 'OTHER_BANK' as const, counterpartyBankCode: '0300' };

  it('the first 40,000 from another bank onto 30,000 is a jump; the same a month later is not; a different amount is', () => {
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(30_000) }, since: pragueWinter('2023-09-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(30_000) });
    const told = (at: string, amount: number) => {
      const emissions = store.feed([ledger.credit(amount, pragueWinter(at), transfer), ledger.debit(amount, pragueWinter(at, '18:00'), { category: 'CASH', counterpartyKind: 'CASH' })]).flat();
      return ofKinds(emissions, ['LARGE_INFLOW']).length;
    };
    expect(told('2024-01-12', czk(40_000))).toBe(1);
    expect(told('2024-02-12', czk(43_000))).toBe(0); // 31 days later, within 15%
    expect(told('2024-03-12', czk(80_000))).toBe(1); // twice the usual: news
  }, 60_000);

  it('repeats are looked for 25 to 35 days back, within 15% of the new amount, for the same kind of counterparty', () => {
    const code = 2; // money in from another bank, not salary (flows.ts)
    const days = [[100, code, czk(10_000)]];
    expect([124, 125, 135, 136].map((day) => isMonthlyRepeat(days, day, code, czk(10_000)))).toEqual([false, true, true, false]);
    expect([czk(8_600), czk(8_800), czk(11_700), czk(11_800)].map((amount) => isMonthlyRepeat(days, 130, code, amount))).toEqual([false, true, true, false]);
    expect(isMonthlyRepeat(days, 130, code + 1, czk(10_000))).toBe(false);
  });

  it('a customer known for less than 30 days has no normal to jump from: only the absolute amount counts', () => {
    const store = new MemoryStore([profile()]);
    const ledger = new Ledger('c-1', { 'a-1': czk(1_000) });
    const first = store.feed([ledger.credit(czk(40_000), pragueWinter('2024-01-05'), transfer)]).flat();
    const large = store.feed([ledger.credit(czk(150_000), pragueWinter('2024-01-08'), transfer)]).flat();
    expect(ofKinds(first, ['LARGE_INFLOW'])).toEqual([]);
    expect(ofKinds(large, ['LARGE_INFLOW']).map((emission) => emission.alert.priority)).toEqual(['HIGH']); // ≥ 100,000: the absolute threshold
  });
});
