import { describe, expect, it } from 'vitest';
import { CustomerFeatures, applyTransaction, featureView, featuresAsOf, newCustomerState, seriesFeatures } from '../../../src/core/features.ts';
import type { CustomerState } from '../../../src/core/state.ts';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { counterpartyKinds } from '../../../src/domain/transaction.ts';
import { Ledger, calendar, czk, dayNo, pragueWinter, rules } from '../../support/core-fixtures.ts';

/** Applies transactions at consecutive offsets of partition 0 to a fresh state; answers it and the outcomes. */
function history(transactions: readonly Transaction[], state?: CustomerState) {
  const first = transactions[0];
  if (first === undefined) throw new Error('empty history');
  const current = state ?? newCustomerState(first.customerId, 0, first.eventTime);
  const outcomes = transactions.map((transaction) => applyTransaction(current, transaction, { partition: 0, offset: current.appliedOffset + 1 }, rules, calendar));
  return { state: current, outcomes };
}

/** The daily close of a business day, as the features derive it. */
const closeOn = (state: CustomerState, isoDate: string) => new CustomerFeatures(state, dayNo(isoDate), calendar).averageDailyBalance(1);
const asOf = (state: CustomerState, isoDate: string) => new CustomerFeatures(state, dayNo(isoDate), calendar);

/**
 * The base history, one account, Prague time (CET, UTC+1):
 *   2 Jan 10:00  +100,000.00 from another bank                      balance 100,000.00
 *   5 Jan 00:30  −20,000.00 card payment (4 Jan 23:30 UTC!)          balance  80,000.00
 *   5 Jan 10:00  +100.00 interest, a bank posting                    balance  80,100.00
 *  10 Jan 10:00  −30,000.00 to another bank                          balance  50,100.00
 * Daily closes: ≤1 Jan 0 · 2–4 Jan 100,000.00 · 5–9 Jan 80,100.00 · 10 Jan 50,100.00
 */
function baseHistory() {
  const ledger = new Ledger();
  const transactions = [
    ledger.credit(czk(100_000), pragueWinter('2024-01-02'), { counterpartyKind: 'OTHER_BANK' }),
    ledger.debit(czk(20_000), Date.parse('2024-01-04T23:30:00Z'), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' }),
    ledger.interest(czk(100), pragueWinter('2024-01-05')),
    ledger.debit(czk(30_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' }),
  ];
  return { ledger, transactions, ...history(transactions) };
}

describe('features of a scripted history (numbers worked out by hand)', () => {
  const { state, outcomes, transactions } = baseHistory();
  const features = asOf(state, '2024-01-10');

  it('applies every posting', () => {
    expect(outcomes).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(state.appliedOffset).toBe(3);
  });

  it.each([
    ['2023-12-31', 0],
    ['2024-01-01', 0],
    ['2024-01-02', czk(100_000)],
    ['2024-01-04', czk(100_000)], // the 00:30 card payment belongs to 5 Jan in Prague, not 4 Jan (UTC)
    ['2024-01-05', czk(80_100)],
    ['2024-01-09', czk(80_100)],
    ['2024-01-10', czk(50_100)],
  ])('daily close of %s is %i', (day, expected) => {
    expect(closeOn(state, day)).toBe(expected);
  });

  it('balances follow the latest posting; firstSeen, stream time and last activity are tracked', () => {
    expect(features.totalBalance).toBe(czk(50_100));
    expect(state.accounts).toEqual({ 'a-1': [czk(50_100), pragueWinter('2024-01-10')] });
    expect(state.firstSeenAt).toBe(pragueWinter('2024-01-02'));
    expect(state.streamTime).toBe(pragueWinter('2024-01-10'));
    expect(state.lastActivityAt).toBe(transactions[3]!.eventTime);
  });

  it('30-day average (12 Dec .. 10 Jan): (3×100,000 + 5×80,100 + 50,100 + 21×0) / 30 = 25,020.00', () => {
    expect(features.averageDailyBalance(30)).toBe(czk(25_020));
  });

  it('7-day average (4 .. 10 Jan): (100,000 + 5×80,100 + 50,100) / 7 = 78,657.14 (rounded to the haléř)', () => {
    expect(features.averageDailyBalance(7)).toBe(7_865_714);
  });

  it('month-to-date average on 10 Jan: 750,600.00 / 10 days = 75,060.00; on 12 Jan the last close carries on: 850,800.00 / 12 = 70,900.00', () => {
    expect(features.averageMonthToDate()).toBe(czk(75_060));
    expect(asOf(state, '2024-01-12').averageMonthToDate()).toBe(czk(70_900));
  });

  it('month-to-date starts again on the 1st: on 1 Feb it is that day’s close only', () => {
    expect(asOf(state, '2024-02-01').averageMonthToDate()).toBe(czk(50_100));
  });

  it('90-day peak is the highest close, 100,000.00; over the last day only it is today’s close', () => {
    expect(features.peakBalance()).toBe(czk(100_000));
    expect(features.peakBalance(1)).toBe(czk(50_100));
    expect(features.peakBalance(6)).toBe(czk(80_100)); // 5..10 Jan
  });

  it.each([
    // window, money in (all kinds), in from other banks, money out (all), out to other banks, out in payments (NONE)
    [1, 0, 0, czk(30_000), czk(30_000), 0],
    [7, czk(100), 0, czk(50_000), czk(30_000), czk(20_000)],
    [30, czk(100_100), czk(100_000), czk(50_000), czk(30_000), czk(20_000)],
    [90, czk(100_100), czk(100_000), czk(50_000), czk(30_000), czk(20_000)],
  ] as const)('flows over %i day(s)', (window, inAll, inBank, outAll, outBank, outNone) => {
    expect(features.flow('CREDIT', ['OWN_ACCOUNT', 'SAME_BANK_CUSTOMER', 'OTHER_BANK', 'INVESTMENT_PLATFORM', 'CASH', 'NONE'], window)).toBe(inAll);
    expect(features.flow('CREDIT', ['OTHER_BANK'], window)).toBe(inBank);
    expect(features.flow('DEBIT', ['OWN_ACCOUNT', 'SAME_BANK_CUSTOMER', 'OTHER_BANK', 'INVESTMENT_PLATFORM', 'CASH', 'NONE'], window)).toBe(outAll);
    expect(features.flow('DEBIT', ['OTHER_BANK'], window)).toBe(outBank);
    expect(features.flow('DEBIT', ['NONE'], window)).toBe(outNone);
    expect(features.flow('DEBIT', ['CASH', 'INVESTMENT_PLATFORM'], window)).toBe(0);
  });

  it.each([
    // window, share of the opening balance: the largest move of nearly all (to other banks) and of any share
    // 10 Jan: 30,000 of the 80,100 held at the close of 9 Jan (37.45%); the card payment of 5 Jan went to NONE
    [1, 0.37, czk(30_000)],
    [1, 0.38, 0],
    [30, 0.3745, czk(30_000)],
    [30, 0.3746, 0],
  ] as const)('the largest one-day move to other banks over %i day(s) that was at least %d of what was held: %i', (window, share, expected) => {
    expect(features.largestMoveOfShare('DEBIT', ['OTHER_BANK'], window, share)).toBe(expected);
  });

  it('the largest money in (salary apart) over spans of days that end in the window', () => {
    // money in: 100,000 from another bank on 2 Jan, 100.00 interest (NONE) on 5 Jan; as of 10 Jan
    expect(features.largestSpanIrregularInflow(['OTHER_BANK'], 30, 7)).toBe(czk(100_000));
    expect(features.largestSpanIrregularInflow(['OTHER_BANK', 'NONE'], 30, 7)).toBe(czk(100_100)); // 2..5 Jan in one span
    expect(features.largestSpanIrregularInflow(['OTHER_BANK', 'NONE'], 30, 3)).toBe(czk(100_000)); // 2 and 5 Jan never in 3 days
    // spans ending 8..10 Jan (window of 3 days) reach back to 2 Jan only with 7 days: 2..8 Jan
    expect(features.largestSpanIrregularInflow(['OTHER_BANK'], 3, 7)).toBe(czk(100_000));
    expect(features.largestSpanIrregularInflow(['OTHER_BANK'], 2, 7)).toBe(0);
  });

  it('a move from an empty balance counts as a move of everything it held', () => {
    // 2 Jan: 100,000 came in from another bank onto nothing (the close of 1 Jan is 0)
    expect(features.largestMoveOfShare('CREDIT', ['OTHER_BANK'], 30, 1)).toBe(czk(100_000));
  });

  it.each([
    [1, 1],
    [7, 2], // card payment and the transfer; interest is the bank's
    [30, 3],
    [90, 3],
  ])('customer-initiated transactions over %i day(s): %i', (window, expected) => {
    expect(features.customerTransactions(window)).toBe(expected);
  });

  it('features as of an earlier day look back from that day (later days are taken off the balance)', () => {
    const fifth = featuresAsOf(state, pragueWinter('2024-01-05', '18:00'), calendar);
    expect(fifth.asOfDay).toBe(dayNo('2024-01-05'));
    expect(fifth.averageDailyBalance(1)).toBe(czk(80_100));
    expect(fifth.flow('DEBIT', ['NONE'], 1)).toBe(czk(20_000));
    expect(fifth.flow('CREDIT', ['OTHER_BANK', 'NONE'], 7)).toBe(czk(100_100));
    expect(fifth.customerTransactions(7)).toBe(2);
    expect(asOf(state, '2024-01-04').flow('DEBIT', ['NONE'], 1)).toBe(0);
  });

  it('the feature view other systems read carries the same numbers', () => {
    const view = featureView(state, pragueWinter('2024-01-10', '18:00'), calendar, dayNo('2020-01-10'));
    expect(view).toMatchObject({
      customerId: 'c-1',
      businessDay: dayNo('2024-01-10'),
      balances: { 'a-1': czk(50_100) },
      totalBalanceMinor: czk(50_100),
      averageDailyBalanceMinor: { last30Days: czk(25_020), monthToDate: czk(75_060) },
      peakBalance90DaysMinor: czk(100_000),
      customerInitiatedTransactions: { '1d': 1, '7d': 2, '30d': 3, '90d': 3 },
      lastCustomerActivityAt: '2024-01-10T09:00:00.000Z',
      tenureDays: 1461, // 2020-01-10 .. 2024-01-10, one leap year
      dormancyStage: 0,
    });
    expect(view.inflowMinor['30d']).toEqual({ total: czk(100_100), OTHER_BANK: czk(100_000), INVESTMENT_PLATFORM: 0, OWN_ACCOUNT: 0, CASH: 0 });
    expect(view.outflowMinor['7d']).toEqual({ total: czk(50_000), OTHER_BANK: czk(30_000), INVESTMENT_PLATFORM: 0, OWN_ACCOUNT: 0, CASH: 0 });
    // without a relationship start, tenure counts from the first posting seen
    expect(featureView(state, pragueWinter('2024-01-10'), calendar, null).tenureDays).toBe(8);
  });

  it('keeps flow days only as far back as the longest window (90 days, today included)', () => {
    const ledger = new Ledger('c-1', { 'a-1': czk(50_100) }, 'april');
    const keepTenth = structuredClone(state);
    // 8 Apr is 89 days after 10 Jan: 10 Jan is still in the window, 5 Jan is not
    history([ledger.debit(czk(100), pragueWinter('2024-04-08'), { counterpartyKind: 'CASH' })], keepTenth);
    expect(keepTenth.days.map((bucket) => bucket[0])).toEqual([dayNo('2024-01-10'), dayNo('2024-04-08')]);
    history([ledger.debit(czk(100), pragueWinter('2024-04-09'), { counterpartyKind: 'CASH' })], keepTenth);
    expect(keepTenth.days.map((bucket) => bucket[0])).toEqual([dayNo('2024-04-08'), dayNo('2024-04-09')]);
    const april = asOf(keepTenth, '2024-04-09');
    expect(april.totalBalance).toBe(czk(49_900));
    expect(april.peakBalance()).toBe(czk(50_100)); // 11 Jan .. 7 Apr
    expect(april.averageDailyBalance(2)).toBe(czk(49_950)); // (50,000 + 49,900) / 2
  });
});

describe('late, too-late, replayed and duplicate postings', () => {
  /**
   * The bank posts +100,000.00 (2 Jan), −10,000.00 cash (7 Jan), −30,000.00 to another bank (10 Jan); the 7 Jan
   * posting reaches tidewatch last. The 10 Jan balance (60,000.00) already has it.
   */
  function lateHistory() {
    const ledger = new Ledger();
    const deposit = ledger.credit(czk(100_000), pragueWinter('2024-01-02'), { counterpartyKind: 'OTHER_BANK' });
    const cash = ledger.debit(czk(10_000), pragueWinter('2024-01-07'), { category: 'CASH', channel: 'ATM', counterpartyKind: 'CASH' });
    const transfer = ledger.debit(czk(30_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' });
    return { ledger, deposit, cash, transfer, ...history([deposit, transfer]) };
  }

  it('a late posting within the lateness corrects the past days’ closes and lands on its own day', () => {
    const { state, cash, transfer } = lateHistory();
    // before it arrives the series follows the flows seen: the 10 Jan stamp (60,000.00, which already lacks the
    // 10,000.00) disagrees with them (70,000.00) and is counted, not believed, so no day before it is bent
    expect([closeOn(state, '2024-01-01'), closeOn(state, '2024-01-05'), closeOn(state, '2024-01-08')]).toEqual([0, czk(100_000), czk(100_000)]);
    expect(asOf(state, '2024-01-10').averageMonthToDate()).toBe(czk(87_000)); // (70,000 + 8×100,000 + 0) / 10
    expect(state.balanceMismatches).toBe(1);

    expect(applyTransaction(state, cash, { partition: 0, offset: 2 }, rules, calendar)).toBe('applied');
    expect([closeOn(state, '2024-01-01'), closeOn(state, '2024-01-05'), closeOn(state, '2024-01-06')]).toEqual([0, czk(100_000), czk(100_000)]);
    expect([closeOn(state, '2024-01-07'), closeOn(state, '2024-01-09'), closeOn(state, '2024-01-10')]).toEqual([czk(90_000), czk(90_000), czk(60_000)]);
    const tenth = asOf(state, '2024-01-10');
    expect(tenth.averageMonthToDate()).toBe(czk(83_000)); // (60,000 + 3×90,000 + 5×100,000 + 0) / 10
    expect(tenth.peakBalance()).toBe(czk(100_000));
    // the flows now agree with the 10 Jan stamp; a late posting is never checked against its own (older) stamp, so
    // the offset the 10 Jan stamp showed stays recorded until the next posting is checked
    expect(state.accounts['a-1']).toEqual([czk(60_000), transfer.eventTime, czk(-10_000)]);
    expect(state.balanceMismatches).toBe(1);
    expect(state.streamTime).toBe(transfer.eventTime);
    expect(state.lastActivityAt).toBe(transfer.eventTime);
    // it counts in the windows that reach back to 7 Jan, not in today's
    expect(tenth.flow('DEBIT', ['CASH'], 1)).toBe(0);
    expect(tenth.flow('DEBIT', ['CASH'], 7)).toBe(czk(10_000));
    expect(asOf(state, '2024-01-07').flow('DEBIT', ['CASH'], 1)).toBe(czk(10_000));
    expect(tenth.customerTransactions(7)).toBe(2);
  });

  it('a late posting with the newest balance for its account does update that account', () => {
    const ledger = new Ledger();
    const { state } = history([
      ledger.credit(czk(1_000), pragueWinter('2024-01-10'), { accountId: 'a-1' }),
      ledger.credit(czk(500), pragueWinter('2024-01-08'), { accountId: 'a-2' }), // late for the customer, first for a-2
    ]);
    expect(state.accounts).toEqual({ 'a-1': [czk(1_000), pragueWinter('2024-01-10')], 'a-2': [czk(500), pragueWinter('2024-01-08')] });
    expect(state.streamTime).toBe(pragueWinter('2024-01-10'));
  });

  it.each([
    // stream day 10 Jan, 7 days of lateness: 3 Jan is the oldest day still counted, cut at Prague midnight
    ['3 Jan 00:00 Prague (2 Jan 23:00 UTC)', 'applied', Date.parse('2024-01-02T23:00:00Z')],
    ['2 Jan 23:59 Prague', 'too_late', Date.parse('2024-01-02T22:59:00Z')],
    ['a year before', 'too_late', pragueWinter('2023-01-10')],
  ])('a posting on %s is %s', (_, expected, eventTime) => {
    const { state, ledger } = lateHistory();
    const before = structuredClone(state);
    const posting = ledger.debit(czk(1), eventTime, { counterpartyKind: 'CASH', balanceAfterMinor: 0 });
    expect(applyTransaction(state, posting, { partition: 0, offset: 7 }, rules, calendar)).toBe(expected);
    if (expected === 'too_late') {
      // refused: nothing changes but the applied offset (the record is dealt with, by the dead-letter topic)
      expect(state).toEqual({ ...before, appliedOffset: 7 });
      // and it is not remembered as seen: sent again it is refused again, not taken for a duplicate
      expect(applyTransaction(state, posting, { partition: 0, offset: 8 }, rules, calendar)).toBe('too_late');
    } else {
      expect(asOf(state, '2024-01-10').flow('DEBIT', ['CASH'], 30)).toBe(czk(1));
      expect(asOf(state, '2024-01-03').flow('DEBIT', ['CASH'], 1)).toBe(czk(1));
    }
  });

  it('a record at or below the applied offset changes nothing at all', () => {
    const { state, ledger } = lateHistory();
    const before = structuredClone(state);
    const other = ledger.debit(czk(5_000), pragueWinter('2024-01-11'), { counterpartyKind: 'CASH' });
    expect(applyTransaction(state, other, { partition: 0, offset: 1 }, rules, calendar)).toBe('already_applied');
    expect(applyTransaction(state, other, { partition: 0, offset: 0 }, rules, calendar)).toBe('already_applied');
    expect(state).toEqual(before);
  });

  it('the same transaction id at another offset changes nothing but the applied offset', () => {
    const { state, transfer } = lateHistory();
    const before = structuredClone(state);
    expect(applyTransaction(state, { ...transfer }, { partition: 0, offset: 5 }, rules, calendar)).toBe('duplicate');
    expect(state).toEqual({ ...before, appliedOffset: 5 });
  });

  it('a re-send of a transaction older than the 8 latest, inside the lateness window, is not counted again (issue 11)', () => {
    const ledger = new Ledger('c-1', { 'a-1': czk(50_000) });
    const debits = Array.from({ length: 10 }, (_, index) => ledger.debit(czk(1_000), pragueWinter('2024-01-10', `${10 + (index >> 1)}:${index % 2 ? '30' : '00'}`)));
    const { state, outcomes } = history([...debits, { ...debits[0]! }]);
    expect(outcomes).toEqual([...debits.map(() => 'applied'), 'duplicate']);
    expect(asOf(state, '2024-01-10').flow('DEBIT', counterpartyKinds, 7)).toBe(czk(10_000));
  });

  it('forgets the ids of days that fell out of the lateness window; a re-send of them is refused as too late', () => {
    const ledger = new Ledger();
    const early = ledger.credit(czk(1), pragueWinter('2024-01-02'));
    const { state } = history([early, ledger.credit(czk(1), pragueWinter('2024-01-09')), ledger.credit(czk(1), pragueWinter('2024-01-10'))]);
    expect(state.seenTransactions.map(([day]) => day)).toEqual([dayNo('2024-01-09'), dayNo('2024-01-10')]);
    expect(applyTransaction(state, { ...early }, { partition: 0, offset: 20 }, rules, calendar)).toBe('too_late');
  });

  it('a record from another partition (the customer moved) is applied at its own offset', () => {
    const { state, ledger } = lateHistory();
    const moved = ledger.debit(czk(100), pragueWinter('2024-01-11'), { counterpartyKind: 'CASH' });
    expect(applyTransaction(state, moved, { partition: 3, offset: 0 }, rules, calendar)).toBe('applied');
    expect([state.partition, state.appliedOffset]).toEqual([3, 0]);
  });
});

describe('own-account transfers and bank postings', () => {
  /** Two accounts: a-1 +100,000.00 on 2 Jan, a-2 +50,000.00 on 3 Jan; optionally 40,000.00 moved a-1 → a-2 on 8 Jan. */
  function twoAccounts(withTransfer: boolean) {
    const ledger = new Ledger();
    const transactions = [
      ledger.credit(czk(100_000), pragueWinter('2024-01-02'), { accountId: 'a-1', counterpartyKind: 'SAME_BANK_CUSTOMER' }),
      ledger.credit(czk(50_000), pragueWinter('2024-01-03'), { accountId: 'a-2', counterpartyKind: 'SAME_BANK_CUSTOMER' }),
    ];
    if (withTransfer) {
      transactions.push(
        ledger.debit(czk(40_000), pragueWinter('2024-01-08', '11:00'), { accountId: 'a-1', counterpartyKind: 'OWN_ACCOUNT' }),
        ledger.credit(czk(40_000), pragueWinter('2024-01-08', '11:00'), { accountId: 'a-2', counterpartyKind: 'OWN_ACCOUNT' }),
      );
    }
    return history(transactions).state;
  }

  it('leave the total, every daily close, the averages and the peak unchanged', () => {
    const moved = twoAccounts(true);
    const still = twoAccounts(false);
    expect(moved.accounts).toEqual({ 'a-1': [czk(60_000), pragueWinter('2024-01-08', '11:00')], 'a-2': [czk(90_000), pragueWinter('2024-01-08', '11:00')] });
    for (const state of [moved, still]) {
      const features = asOf(state, '2024-01-08');
      expect(features.totalBalance).toBe(czk(150_000));
      // (6×150,000 + 100,000 + 23×0) / 30 = 33,333.33; month to date: 1,000,000 / 8 = 125,000
      expect(features.averageDailyBalance(30)).toBe(3_333_333);
      expect(features.averageMonthToDate()).toBe(czk(125_000));
      expect(features.peakBalance()).toBe(czk(150_000));
    }
    for (const day of ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-07', '2024-01-08']) expect(closeOn(moved, day)).toBe(closeOn(still, day));
    // the move is visible as what it is, and as nothing else
    const features = asOf(moved, '2024-01-08');
    expect(features.flow('DEBIT', ['OWN_ACCOUNT'], 1)).toBe(czk(40_000));
    expect(features.flow('CREDIT', ['OWN_ACCOUNT'], 1)).toBe(czk(40_000));
    expect(features.flow('DEBIT', ['OTHER_BANK', 'INVESTMENT_PLATFORM', 'CASH', 'SAME_BANK_CUSTOMER', 'NONE'], 30)).toBe(0);
  });

  it('interest and fees (initiated by the bank) move the balance but are not customer activity', () => {
    const ledger = new Ledger();
    const acted = ledger.credit(czk(100_000), pragueWinter('2024-01-02'), { counterpartyKind: 'CASH', category: 'CASH', channel: 'BRANCH' });
    const { state } = history([
      acted,
      ledger.interest(czk(50), pragueWinter('2024-01-31', '23:00')),
      ledger.fee(czk(30), pragueWinter('2024-02-01', '02:00')),
    ]);
    expect(state.lastActivityAt).toBe(acted.eventTime);
    expect(state.streamTime).toBe(pragueWinter('2024-02-01', '02:00'));
    const features = asOf(state, '2024-02-01');
    expect(features.totalBalance).toBe(czk(100_020));
    expect(features.customerTransactions(1)).toBe(0);
    expect(features.customerTransactions(30)).toBe(0); // 3 Jan .. 1 Feb
    expect(features.customerTransactions(90)).toBe(1);
    expect(features.flow('CREDIT', ['NONE'], 7)).toBe(czk(50));
    expect(features.flow('DEBIT', ['NONE'], 1)).toBe(czk(30));
    expect(featureView(state, pragueWinter('2024-02-01', '12:00'), calendar, null).lastCustomerActivityAt).toBe('2024-01-02T09:00:00.000Z');
  });

  it('a customer only ever seen through bank postings has no activity at all', () => {
    const ledger = new Ledger('c-1', { 'a-1': czk(1_000) });
    const { state } = history([ledger.interest(czk(1), pragueWinter('2024-01-31')), ledger.fee(czk(2), pragueWinter('2024-02-29'))]);
    expect(state.lastActivityAt).toBeNull();
    expect(asOf(state, '2024-02-29').customerTransactions(90)).toBe(0);
  });
});

describe('the series as of an earlier day (seriesFeatures): accounts first seen after it are left out', () => {
  /** a-1 from 2 Jan; a-2, which held 60,000.00 before tidewatch saw it, first posts on 8 Jan (+100.00 interest). */
  function opensLater() {
    const ledger = new Ledger('c-1', { 'a-2': czk(60_000) });
    const early = [
      ledger.credit(czk(100_000), pragueWinter('2024-01-02'), { counterpartyKind: 'OTHER_BANK' }),
      ledger.debit(czk(1_000), pragueWinter('2024-01-05'), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' }),
    ];
    const later = [ledger.interest(czk(100), pragueWinter('2024-01-08'), { accountId: 'a-2' }), ledger.debit(czk(500), pragueWinter('2024-01-09'))];
    return { ledger, early, later };
  }

  it('reads a day as the state of that day read it, whatever accounts appeared since', () => {
    const { early, later } = opensLater();
    const then = history(early).state;
    const now = history([...early, ...later]).state;
    expect(now.accountsOpened).toEqual({ 'a-2': [dayNo('2024-01-08'), czk(60_000)] });
    expect(then.accountsOpened).toBeUndefined();
    const asThen = seriesFeatures(then, dayNo('2024-01-06'), calendar);
    const asNow = seriesFeatures(now, dayNo('2024-01-06'), calendar);
    for (const day of ['2024-01-01', '2024-01-02', '2024-01-05', '2024-01-06']) {
      expect(asNow.at(dayNo(day)).closingBalance()).toBe(asThen.at(dayNo(day)).closingBalance());
    }
    expect(asNow.averageDailyBalance(30)).toBe(asThen.averageDailyBalance(30));
    expect(asNow.averageMonthToDate()).toBe(asThen.averageMonthToDate());
    // as of its own first day and later the account counts, its opening carried back as before
    expect(seriesFeatures(now, dayNo('2024-01-08'), calendar).at(dayNo('2024-01-06')).closingBalance()).toBe(czk(99_000 + 60_000));
    // features as of a day without the series (the detectors' before and after) are unchanged: the opening carried back
    expect(closeOn(now, '2024-01-06')).toBe(czk(99_000 + 60_000));
  });

  it('a late posting moves the account\'s first day back; accounts older than the flow window are forgotten', () => {
    const { ledger, early, later } = opensLater();
    const late = ledger.credit(czk(200), pragueWinter('2024-01-07'), { accountId: 'a-2', counterpartyKind: 'OWN_ACCOUNT' });
    const { state } = history([...early, ...later, late]);
    expect(state.accountsOpened).toEqual({ 'a-2': [dayNo('2024-01-07'), czk(60_000)] });
    history([ledger.debit(czk(100), pragueWinter('2024-06-01'))], state);
    expect(state.accountsOpened).toBeUndefined();
  });
});
