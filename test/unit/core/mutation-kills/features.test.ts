import { describe, expect, it } from 'vitest';
import { CustomerFeatures, applyTransaction, featureView, newCustomerState, seriesFeatures } from '../../../../src/core/features.ts';
import type { CustomerState } from '../../../../src/core/state.ts';
import type { Transaction } from '../../../../src/domain/transaction.ts';
import { DAY, Ledger, calendar, czk, dayNo, pragueWinter, rules, seededState } from '../../../support/core-fixtures.ts';

const plusDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** A customer holding `balance` on a-1 since 1 Jun 2023, and the postings applied to them in turn. */
function customer(balance: number) {
  const state = seededState({ balances: { 'a-1': balance }, since: pragueWinter('2023-06-01') });
  const ledger = new Ledger('c-1', { 'a-1': balance });
  let offset = 0;
  const apply = (transaction: Transaction) => applyTransaction(state, transaction, { partition: 0, offset: offset++ }, rules, calendar);
  return { state, ledger, apply };
}

describe('the balance stamps the bank sends, checked against the flows', () => {
  // a-1 holds 10,000.00; on 10 Jan the customer pays 1,000.00 at 10:00 (stamped 9,000.00), then 500.00 at 11:00
  function sameDay(stamp: number) {
    const { state, ledger, apply } = customer(czk(10_000));
    apply(ledger.debit(czk(1_000), pragueWinter('2024-01-10', '10:00'), { counterpartyKind: 'CASH' }));
    apply(ledger.debit(czk(500), pragueWinter('2024-01-10', '11:00'), { counterpartyKind: 'CASH', balanceAfterMinor: stamp }));
    return state;
  }

  it("a stamp off by no more than the day's other postings is stamp order within the day: believed, not counted", () => {
    // the flows say 8,500.00; stamped 9,500.00 (as if the 1,000.00 came after): off by exactly the day's other money
    const state = sameDay(czk(9_500));
    expect(state.balanceMismatches).toBe(0);
    expect(state.accounts['a-1']).toEqual([czk(8_500), pragueWinter('2024-01-10', '11:00')]);
  });

  it('a haléř more is a disagreement: counted, and the offset remembered (the count of customer transactions is no money)', () => {
    const state = sameDay(czk(9_500) + 1);
    expect(state.balanceMismatches).toBe(1);
    expect(state.accounts['a-1']).toEqual([czk(8_500), pragueWinter('2024-01-10', '11:00'), czk(1_000) + 1]);
  });

  it('on a day with no other postings any disagreement counts', () => {
    const { state, ledger, apply } = customer(czk(10_000));
    apply(ledger.debit(czk(500), pragueWinter('2024-01-10'), { counterpartyKind: 'CASH', balanceAfterMinor: czk(9_500) + 1 }));
    expect(state.balanceMismatches).toBe(1);
  });

  it("a stamp off by as much as the day's money in, out and between the customer's own accounts is still stamp order", () => {
    const { state, ledger, apply } = customer(czk(10_000));
    apply(ledger.credit(czk(300), pragueWinter('2024-01-10', '09:00'), { counterpartyKind: 'OTHER_BANK' }));
    apply(ledger.debit(czk(200), pragueWinter('2024-01-10', '10:00'), { counterpartyKind: 'OWN_ACCOUNT' }));
    // the flows say 10,000 + 300 − 200 − 100 = 10,000.00; stamped 10,500.00 (off by the day's gross 500.00)
    apply(ledger.debit(czk(100), pragueWinter('2024-01-10', '11:00'), { counterpartyKind: 'CASH', balanceAfterMinor: czk(10_500) }));
    expect(state.balanceMismatches).toBe(0);
  });

  it('a bank whose stamps stay off by the same amount is counted once; stamps that agree again end it', () => {
    const { state, ledger, apply } = customer(czk(10_000));
    // from 10 Jan on every stamp is 1,000.00 too high
    apply(ledger.debit(czk(100), pragueWinter('2024-01-10'), { counterpartyKind: 'CASH', balanceAfterMinor: czk(10_900) }));
    apply(ledger.debit(czk(100), pragueWinter('2024-01-11'), { counterpartyKind: 'CASH', balanceAfterMinor: czk(10_800) }));
    apply(ledger.debit(czk(100), pragueWinter('2024-01-12'), { counterpartyKind: 'CASH', balanceAfterMinor: czk(10_700) }));
    expect(state.balanceMismatches).toBe(1);
    // 13 Jan: the stamp agrees with the flows again
    apply(ledger.debit(czk(100), pragueWinter('2024-01-13'), { counterpartyKind: 'CASH', balanceAfterMinor: czk(9_600) }));
    expect(state.balanceMismatches).toBe(1);
    expect(state.accounts['a-1']).toEqual([czk(9_600), pragueWinter('2024-01-13')]);
  });

  it('a posting at the same instant as the latest one seen is checked too', () => {
    const { state, ledger, apply } = customer(czk(10_000));
    apply(ledger.debit(czk(100), pragueWinter('2024-01-10'), { counterpartyKind: 'CASH' }));
    apply(ledger.debit(czk(100), pragueWinter('2024-01-10'), { counterpartyKind: 'CASH', balanceAfterMinor: czk(5_000) }));
    expect(state.balanceMismatches).toBe(1);
  });
});

describe('what a posting leaves in the state', () => {
  it('a subscription or a redemption is an investment, the latest by event time; other postings are not', () => {
    const { state, ledger, apply } = customer(czk(100_000));
    apply(ledger.debit(czk(1_000), pragueWinter('2024-01-10'), { category: 'CARD', counterpartyKind: 'NONE' }));
    expect(state.lastInvestmentAt).toBeNull();
    apply(ledger.debit(czk(1_000), pragueWinter('2024-01-12'), { category: 'INVESTMENT_SUBSCRIPTION', counterpartyKind: 'INVESTMENT_PLATFORM' }));
    expect(state.lastInvestmentAt).toBe(pragueWinter('2024-01-12'));
    apply(ledger.credit(czk(1_000), pragueWinter('2024-01-14'), { category: 'INVESTMENT_REDEMPTION', counterpartyKind: 'INVESTMENT_PLATFORM' }));
    expect(state.lastInvestmentAt).toBe(pragueWinter('2024-01-14'));
    // a late subscription (within the lateness) does not move it back
    apply(ledger.debit(czk(1_000), pragueWinter('2024-01-11'), { category: 'INVESTMENT_SUBSCRIPTION', counterpartyKind: 'INVESTMENT_PLATFORM' }));
    expect(state.lastInvestmentAt).toBe(pragueWinter('2024-01-14'));
  });

  it('a posting of nothing (a zero-amount bank posting) leaves no flow day', () => {
    const { state, ledger, apply } = customer(czk(100_000));
    apply(ledger.interest(0, pragueWinter('2024-01-31')));
    expect(state.days).toEqual([]);
  });

  it("a customer's first posting opens the ledger however old it is; after that the lateness counts", () => {
    // a state a product event made on 10 Feb: no ledger yet
    const fresh = newCustomerState('c-1', 0, pragueWinter('2024-02-10'));
    const ledger = new Ledger('c-1', { 'a-1': czk(1_000) });
    expect(applyTransaction(fresh, ledger.debit(czk(100), pragueWinter('2024-01-10'), { counterpartyKind: 'CASH' }), { partition: 0, offset: 0 }, rules, calendar)).toBe('applied');
    // a known customer (accounts, no flow days in the window yet) whose stream is at 1 Jun 2023: 20 May is too late
    const known = seededState({ balances: { 'a-1': czk(1_000) }, since: pragueWinter('2023-06-01') });
    expect(applyTransaction(known, ledger.debit(czk(100), pragueWinter('2023-05-20'), { counterpartyKind: 'CASH' }), { partition: 0, offset: 0 }, rules, calendar)).toBe('too_late');
  });
});

describe('the windows over flow days', () => {
  // 500,000 since June 2023; judged on 1 Mar 2024
  const AS_OF = '2024-03-01';
  function flows(postings: ReadonlyArray<[on: string, amount: number]>) {
    const { state, ledger, apply } = customer(czk(500_000));
    for (const [on, amount] of postings) apply(ledger.debit(amount, pragueWinter(on), { counterpartyKind: 'OTHER_BANK' }));
    return new CustomerFeatures(state, dayNo(AS_OF), calendar);
  }

  it("the largest day of a 30-day window counts from the window's first day (31 Jan), not the day before", () => {
    const features = flows([
      ['2024-01-31', czk(80_000)],
      ['2024-02-01', czk(50_000)],
      ['2024-02-20', czk(20_000)],
    ]);
    expect(features.largestDailyFlow('DEBIT', ['OTHER_BANK'], 30)).toBe(czk(50_000));
  });

  it('days with at least the amount count from the first day to the last, both included, at exactly the amount', () => {
    const features = flows([
      ['2024-02-01', czk(4_000)],
      ['2024-02-10', czk(4_000) - 1],
      ['2024-02-20', czk(4_000)],
      ['2024-02-21', czk(9_000)],
    ]);
    expect(features.daysWithFlowAtLeast('DEBIT', ['OTHER_BANK'], dayNo('2024-02-01'), dayNo('2024-02-20'), czk(4_000))).toBe(2);
  });
});

describe('the highest balance held for days in a row', () => {
  // 100,000 since June 2023; judged on 1 Mar 2024 over 30 days (1 Feb .. 1 Mar), held 3 days
  function closes(moves: ReadonlyArray<[on: string, amount: number]>) {
    const { state, ledger, apply } = customer(czk(100_000));
    for (const [on, amount] of moves) apply(amount > 0 ? ledger.credit(amount, pragueWinter(on), { counterpartyKind: 'OWN_ACCOUNT' }) : ledger.debit(-amount, pragueWinter(on), { counterpartyKind: 'OWN_ACCOUNT' }));
    return new CustomerFeatures(state, dayNo('2024-03-01'), calendar);
  }

  it('a one-day spike is no level the customer held; three days are', () => {
    const features = closes([
      ['2024-02-05', czk(50_000)], // 150,000 on 5, 6, 7 Feb
      ['2024-02-08', -czk(50_000)],
      ['2024-02-20', czk(900_000)], // 1,000,000 on 20 Feb only
      ['2024-02-21', -czk(900_000)],
    ]);
    expect(features.sustainedPeak(30, 3)).toBe(czk(150_000));
    expect(features.peakBalance(30)).toBe(czk(1_000_000));
  });

  it("nor is today's close alone, however high", () => {
    expect(closes([['2024-03-01', czk(900_000)]]).sustainedPeak(30, 3)).toBe(czk(100_000));
  });

  it('a run that began before the window counts only with the days inside it', () => {
    // 150,000 on 30 Jan, 31 Jan and 1 Feb: inside the 30 days only 1 Feb
    expect(closes([['2024-01-30', czk(50_000)], ['2024-02-02', -czk(50_000)]]).sustainedPeak(30, 3)).toBe(czk(100_000));
  });
});

describe('the closes of a day-close evaluation, walked once and shared, read what a single read walks', () => {
  /** Credits and debits every four days from September 2023 to early February 2024, then judged on 10 Feb. */
  function busy(): CustomerState {
    const { state, ledger, apply } = customer(czk(100_000));
    for (let index = 0; index < 40; index += 1) {
      const on = plusDays('2023-09-01', index * 4 + (index % 3));
      const amount = czk(1_000 * (((index * 7) % 11) + 1));
      apply(index % 2 === 0 ? ledger.credit(amount, pragueWinter(on), { counterpartyKind: 'OTHER_BANK' }) : ledger.debit(amount, pragueWinter(on), { counterpartyKind: 'OTHER_BANK' }));
    }
    return state;
  }
  const AS_OF = dayNo('2024-02-10');
  const read = (features: CustomerFeatures, window: number) => [features.averageDailyBalance(window), features.peakBalance(window), features.averageMonthToDate(), features.closingBalance()];

  it('on every earlier day and window, the 150 days the series covers and beyond', () => {
    const state = busy();
    const shared = seriesFeatures(state, AS_OF, calendar);
    expect(read(shared, 90)).toEqual(read(new CustomerFeatures(state, AS_OF, calendar), 90));
    for (let back = 0; back <= 140; back += 7) {
      for (const window of [1, 7, 30, 90]) {
        expect(read(shared.at(AS_OF - back), window)).toEqual(read(new CustomerFeatures(state, AS_OF - back, calendar), window));
      }
    }
  });

  it('when an earlier day walked the closes first, the later day still reads its own', () => {
    const state = busy();
    const shared = seriesFeatures(state, AS_OF, calendar);
    const earlier = shared.at(AS_OF - 20);
    expect(read(earlier, 30)).toEqual(read(new CustomerFeatures(state, AS_OF - 20, calendar), 30));
    expect(read(shared, 30)).toEqual(read(new CustomerFeatures(state, AS_OF, calendar), 30));
  });

  it('features read one at a time look back to earlier days too', () => {
    const state = busy();
    expect(new CustomerFeatures(state, AS_OF, calendar).at(AS_OF - 3).closingBalance()).toBe(new CustomerFeatures(state, AS_OF - 3, calendar).closingBalance());
  });
});

describe('the feature view', () => {
  it('a customer never active has no last activity; the dormancy stage shows while the silence it counts goes on', () => {
    const { state, ledger, apply } = customer(czk(1_000));
    state.lastActivityAt = null;
    apply(ledger.interest(czk(1), pragueWinter('2024-01-31')));
    state.dormancy = { since: state.firstSeenAt, stage: 2 };
    expect(featureView(state, pragueWinter('2024-02-01'), calendar, null)).toMatchObject({ lastCustomerActivityAt: null, dormancyStage: 2 });
  });

  it('a stage counted from an activity the customer has since moved on from is no longer shown', () => {
    const { state, ledger, apply } = customer(czk(1_000));
    state.dormancy = { since: state.firstSeenAt, stage: 2 };
    apply(ledger.debit(czk(1), pragueWinter('2024-01-31'), { category: 'CARD', counterpartyKind: 'NONE' }));
    expect(featureView(state, pragueWinter('2024-02-01'), calendar, null).dormancyStage).toBe(0);
    // counted from that activity: shown
    state.dormancy = { since: pragueWinter('2024-01-31'), stage: 1 };
    expect(featureView(state, pragueWinter('2024-02-01'), calendar, null).dormancyStage).toBe(1);
  });
});

describe("the day's other money, found among later days of other accounts", () => {
  it("a-1's latest posting, after a-2 posted on a later day, is checked against a-1's own day", () => {
    const state = seededState({ balances: { 'a-1': czk(10_000), 'a-2': czk(10_000) }, since: pragueWinter('2023-06-01') });
    const ledger = new Ledger('c-1', { 'a-1': czk(10_000), 'a-2': czk(10_000) });
    let offset = 0;
    const apply = (transaction: Transaction) => applyTransaction(state, transaction, { partition: 0, offset: offset++ }, rules, calendar);
    apply(ledger.debit(czk(1_000), pragueWinter('2024-01-10', '10:00'), { counterpartyKind: 'CASH' }));
    apply(ledger.credit(czk(200), pragueWinter('2024-01-11'), { counterpartyKind: 'OTHER_BANK', accountId: 'a-2' }));
    // a-1's 500.00 of 10 Jan arrives after a-2's 11 Jan, stamped as if the 1,000.00 came after it: stamp order, believed
    apply(ledger.debit(czk(500), pragueWinter('2024-01-10', '11:00'), { counterpartyKind: 'CASH', balanceAfterMinor: czk(9_500) }));
    expect(state.balanceMismatches).toBe(0);
  });
});

describe('the largest span of money in and the largest move of a share: the edges of their windows', () => {
  /** 100,000.00 on a-1 since June 2023, these credits (or debits) to or from another bank, read as of 10 Jan 2024. */
  function postings(direction: 'credit' | 'debit', moves: ReadonlyArray<[on: string, amount: number]>): CustomerFeatures {
    const { state, ledger, apply } = customer(czk(100_000));
    for (const [on, amount] of moves) apply(ledger[direction](amount, pragueWinter(on), { counterpartyKind: 'OTHER_BANK' }));
    return new CustomerFeatures(state, dayNo('2024-01-10'), calendar);
  }

  it('a credit on the day asked about ends a span', () => {
    expect(postings('credit', [['2024-01-10', czk(5_000)]]).largestSpanIrregularInflow(['OTHER_BANK'], 3, 3)).toBe(czk(5_000));
  });

  it('credits before the first span (8 Jan back 3 days: from 6 Jan) are in none, and take nothing from the spans', () => {
    const features = postings('credit', [
      ['2024-01-03', czk(1_000)],
      ['2024-01-05', czk(1_000)],
      ['2024-01-07', czk(5_000)],
    ]);
    expect(features.largestSpanIrregularInflow(['OTHER_BANK'], 3, 3)).toBe(czk(5_000));
  });

  it('a move the day before the window is not in it', () => {
    // 9 Jan: 90,000 of the 100,000 held; the window of one day is 10 Jan
    expect(postings('debit', [['2024-01-09', czk(90_000)]]).largestMoveOfShare('DEBIT', ['OTHER_BANK'], 1, 0.5)).toBe(0);
  });

  it('a move of exactly the share counts, and a smaller one of the share after it leaves the larger', () => {
    // 8 Jan: 50,000 of 100,000 (exactly half); 10 Jan: 30,000 of the 50,000 left (60%)
    const features = postings('debit', [
      ['2024-01-08', czk(50_000)],
      ['2024-01-10', czk(30_000)],
    ]);
    expect(features.largestMoveOfShare('DEBIT', ['OTHER_BANK'], 30, 0.5)).toBe(czk(50_000));
  });
});
