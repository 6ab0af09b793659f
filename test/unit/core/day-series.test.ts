import { describe, expect, it } from 'vitest';
import { closeOn, closesInto, daySeriesOf, daysWithFlowOf, flowOn, flowOver, largestFlowOn, lowestIn, sumOfCloses, sustainedPeakIn } from '../../../src/core/day-series.ts';
import { bucketSum, flowMask, netFlowOf } from '../../../src/core/flows.ts';
import { evaluateDayClose } from '../../../src/core/detectors/day-close.ts';
import { CustomerFeatures, applyTransaction, newCustomerState, seriesFeatures } from '../../../src/core/features.ts';
import type { CustomerState } from '../../../src/core/state.ts';
import type { CounterpartyKind, Transaction } from '../../../src/domain/transaction.ts';
import { counterpartyKinds } from '../../../src/domain/transaction.ts';
import { Ledger, calendar, czk, dayNo, pragueWinter, profile, rules } from '../../support/core-fixtures.ts';

/**
 * The day series (core/day-series.ts) stands in for walks over the buckets in every day close: it must give what the
 * walks give, for any day and window, and a close must read the state as it is, never a series derived before a
 * change. Its running sums are kept across closes and moved by every posting: these fail if a posting (on the latest
 * day, a late one, one before the first day) left them behind the buckets.
 */

/** A small deterministic generator, so that a failure names its seed. */
function random(seed: number): () => number {
  let value = seed >>> 0;
  return () => {
    value = (Math.imul(value ^ (value >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return value / 2 ** 32;
  };
}

/** A customer with postings on scattered days of two accounts (one opened late), ending on `lastIso`. */
function scattered(seed: number): { state: CustomerState; ledger: Ledger; next: () => number } {
  const next = random(seed);
  const ledger = new Ledger('c-ds', { 'a-1': czk(50_000) });
  const start = pragueWinter('2024-01-02');
  const state = newCustomerState('c-ds', 0, start);
  for (let day = 0; day < 120; day += 1) {
    if (next() < 0.55) continue;
    const postings = 1 + Math.floor(next() * 3);
    for (let index = 0; index < postings; index += 1) {
      const kind: CounterpartyKind = counterpartyKinds[Math.floor(next() * counterpartyKinds.length)]!;
      const accountId = day > 60 && next() < 0.3 ? 'a-2' : 'a-1';
      const amount = czk(100 + Math.floor(next() * 20_000));
      const at = start + day * 86_400_000 + index * 60_000;
      const transaction =
        next() < 0.5 ? ledger.credit(amount, at, { counterpartyKind: kind, accountId }) : ledger.debit(amount, at, { counterpartyKind: kind, accountId, initiatedBy: next() < 0.5 ? 'CUSTOMER' : 'SYSTEM' });
      applyTransaction(state, transaction, { partition: 0, offset: state.appliedOffset + 1 }, rules, calendar);
    }
  }
  return { state, ledger, next };
}

/** Every read a day close makes, as of `day`. */
function reads(features: CustomerFeatures) {
  const competitors: CounterpartyKind[] = ['OTHER_BANK', 'INVESTMENT_PLATFORM'];
  return {
    averages: [1, 7, 30, 45, 60, 90, 120].map((window) => features.averageDailyBalance(window)),
    monthToDate: features.averageMonthToDate(),
    close: features.closingBalance(),
    peak: features.peakBalance(),
    sustainedPeak: [1, 3, 5].map((hold) => features.sustainedPeak(90, hold)),
    // as the churn score reads them (core/churn-features.ts): the peak's 90 days first, then two spans within them
    // (the closes read once), then spans reaching outside them (read again), one day and none
    churnCloses: [
      features.sustainedPeak(90, 3),
      features.lowestClose(features.asOfDay - 89, features.asOfDay - 60),
      features.lowestClose(features.asOfDay - 59, features.asOfDay - 30),
      features.lowestClose(features.asOfDay - 120, features.asOfDay - 80),
      features.lowestClose(features.asOfDay - 10, features.asOfDay + 5),
      features.lowestClose(features.asOfDay - 3, features.asOfDay - 3),
      features.lowestClose(features.asOfDay, features.asOfDay - 1),
      features.sustainedPeak(2, 3),
      features.sustainedPeak(3, 3),
      features.sustainedPeak(0, 3),
    ],
    flows: [5, 30, 60, 90].flatMap((window) => [features.flow('DEBIT', competitors, window), features.flow('CREDIT', counterpartyKinds, window), features.irregularInflow(counterpartyKinds, window)]),
    largest: [30, 60, 90].map((window) => features.largestDailyFlow('DEBIT', counterpartyKinds, window)),
    days: [0, 1, czk(5_000)].map((floor) => features.daysWithFlowAtLeast('DEBIT', counterpartyKinds, features.asOfDay - 89, features.asOfDay - 30, floor)),
    activity: [30, 90].map((window) => features.customerTransactions(window)),
  };
}

/** What walking the buckets gives: features without the series, as of the same day and seen as of it. */
const walked = (state: CustomerState, day: number) => new CustomerFeatures(state, day, calendar, undefined, day);

describe('day series: the same figures as walking the buckets', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: every read, as of days before, within and after the postings', (seed) => {
    const { state } = scattered(seed);
    const lastDay = calendar.dayOf(state.streamTime);
    for (const day of [lastDay - 150, lastDay - 100, lastDay - 45, lastDay - 1, lastDay, lastDay + 1, lastDay + 40]) {
      expect(reads(seriesFeatures(state, day, calendar)), `as of day ${day}`).toEqual(reads(walked(state, day)));
      // an earlier day's features share the series of a later one
      expect(reads(seriesFeatures(state, lastDay, calendar).at(day)), `at(${day})`).toEqual(reads(walked(state, day).at(day)));
    }
  });

  it('a customer without buckets: every close is the balance', () => {
    const state = newCustomerState('c-empty', 0, pragueWinter('2024-03-01'));
    state.accounts['a-1'] = [czk(1_000), pragueWinter('2024-03-01')];
    const series = daySeriesOf(state.days, czk(1_000));
    expect(sumOfCloses(series, 10, 19)).toBe(10 * czk(1_000));
    expect(reads(seriesFeatures(state, dayNo('2024-03-05'), calendar))).toEqual(reads(walked(state, dayNo('2024-03-05'))));
  });
});

describe('day series: the closes of a window read once (sustained peak and lows)', () => {
  it('two customers read in turn each read their own closes, and an earlier day reads the closes it shares', () => {
    const one = scattered(21).state;
    const other = scattered(22).state;
    const lastDay = calendar.dayOf(one.streamTime);
    const first = seriesFeatures(one, lastDay, calendar);
    const second = seriesFeatures(other, lastDay, calendar);
    for (const [from, to] of [[lastDay - 89, lastDay - 60], [lastDay - 59, lastDay - 30], [lastDay - 20, lastDay]] as const) {
      expect(first.sustainedPeak(90, 3)).toBe(walked(one, lastDay).sustainedPeak(90, 3));
      expect(second.lowestClose(from, to)).toBe(walked(other, lastDay).lowestClose(from, to));
      expect(first.lowestClose(from, to)).toBe(walked(one, lastDay).lowestClose(from, to));
      expect(first.at(lastDay - 30).sustainedPeak(90, 3)).toBe(walked(one, lastDay).at(lastDay - 30).sustainedPeak(90, 3));
      expect(second.at(lastDay - 5).lowestClose(from, to)).toBe(walked(other, lastDay).lowestClose(from, to));
    }
  });

  it('a window longer than the reused buffer (128 days) reads as the walk does, and so does a short one after it', () => {
    const { state } = scattered(23);
    const lastDay = calendar.dayOf(state.streamTime);
    const features = seriesFeatures(state, lastDay, calendar);
    for (const [from, to] of [[lastDay - 299, lastDay], [lastDay - 129, lastDay - 1], [lastDay - 40, lastDay - 10]] as const) {
      expect(features.lowestClose(from, to), `${from}..${to}`).toBe(walked(state, lastDay).lowestClose(from, to));
    }
    expect(features.sustainedPeak(200, 3)).toBe(walked(state, lastDay).sustainedPeak(200, 3));
    // a long window ending on the first day of its lowest close (every day before it closed higher): the buffer must
    // reach its very end
    const closeOf = (day: number) => walked(state, lastDay).lowestClose(day, day);
    const days = Array.from({ length: 400 }, (_, index) => lastDay - 399 + index);
    const lowestDay = days.reduce((low, day) => (closeOf(day) < closeOf(low) ? day : low));
    const from = lastDay - 399;
    expect(lowestDay - from, 'the window is longer than the buffer').toBeGreaterThan(130);
    expect(days.filter((day) => day < lowestDay).every((day) => closeOf(day) > closeOf(lowestDay))).toBe(true);
    expect(features.lowestClose(from, lowestDay)).toBe(closeOf(lowestDay));
  });

  it('without buckets every close of the window is the balance now, whatever the buffer held before', () => {
    const series = daySeriesOf([], czk(12_345));
    const closes = new Float64Array(40).fill(Number.NaN);
    closesInto(series, 20_000, 20_029, closes);
    expect([...closes.subarray(0, 30)]).toEqual(Array.from({ length: 30 }, (_, day) => closeOn(series, 20_000 + day)));
    expect(closes.subarray(0, 30).every((close) => close === czk(12_345))).toBe(true);
  });

  it('closesInto gives each close as closeOn does, and the peak and low of any span what the closes give', () => {
    const next = random(31);
    for (let trial = 0; trial < 40; trial += 1) {
      const { state } = scattered(100 + trial);
      const lastDay = calendar.dayOf(state.streamTime);
      const series = daySeriesOf(state.days, seriesFeatures(state, lastDay, calendar).totalBalance);
      const fromDay = lastDay - 130 + Math.floor(next() * 60);
      const toDay = fromDay + Math.floor(next() * 100);
      const closes = new Float64Array(toDay - fromDay + 1);
      closesInto(series, fromDay, toDay, closes);
      const expected = Array.from({ length: toDay - fromDay + 1 }, (_, index) => closeOn(series, fromDay + index));
      expect([...closes]).toEqual(expected);
      for (const hold of [1, 2, 3, 4, 7]) {
        const from = Math.floor(next() * expected.length);
        const to = from + Math.floor(next() * (expected.length - from));
        let peak = Number.NEGATIVE_INFINITY;
        for (let start = from; start + hold - 1 <= to; start += 1) peak = Math.max(peak, Math.min(...expected.slice(start, start + hold)));
        expect(sustainedPeakIn(closes, from, to, hold), `hold ${hold}, ${from}..${to}`).toBe(peak);
        expect(lowestIn(closes, from, to)).toBe(Math.min(...expected.slice(from, to + 1)));
      }
    }
  });
});

describe('day series: a window that moved nothing of a kind has no day that did (flows are sums of positive amounts)', () => {
  it('where a flow over a window is 0, its largest day is 0 and no day reaches any floor', () => {
    const competitors = flowMask('DEBIT', ['OTHER_BANK', 'INVESTMENT_PLATFORM']);
    let zeroWindows = 0;
    for (let seed = 40; seed < 60; seed += 1) {
      const { state } = scattered(seed);
      const lastDay = calendar.dayOf(state.streamTime);
      const series = daySeriesOf(state.days, seriesFeatures(state, lastDay, calendar).totalBalance);
      for (let toDay = lastDay - 60; toDay <= lastDay + 5; toDay += 1) {
        for (const span of [1, 5, 30, 60]) {
          if (flowOver(series, competitors, toDay - span + 1, toDay) !== 0) continue;
          zeroWindows += 1;
          expect(largestFlowOn(series, competitors, toDay - span + 1, toDay)).toBe(0);
          expect(daysWithFlowOf(series, competitors, toDay - span + 1, toDay, 1)).toBe(0);
        }
      }
    }
    expect(zeroWindows).toBeGreaterThan(100);
  });
});

describe('day series: a state changed between reads is read as it is', () => {
  it('a late move between own accounts (no bucket, slot or balance total changes) is seen at the next read', () => {
    const { state, ledger } = scattered(7);
    const lastDay = calendar.dayOf(state.streamTime);
    const day = lastDay - 3;
    const at = (minutes: number) => calendar.startOf(day) + minutes * 60_000;
    const move = (amount: number, minutes: number) =>
      [
        ledger.debit(amount, at(minutes), { counterpartyKind: 'OWN_ACCOUNT', accountId: 'a-1' }),
        ledger.credit(amount, at(minutes + 1), { counterpartyKind: 'OWN_ACCOUNT', accountId: 'a-2' }),
      ].forEach((transaction) => expect(applyTransaction(state, transaction, { partition: 0, offset: state.appliedOffset + 1 }, rules, calendar)).toBe('applied'));
    move(czk(1_000), 600);
    const before = reads(seriesFeatures(state, lastDay, calendar));
    const shape = JSON.stringify(state.days.map((bucket) => bucket.filter((_, slot) => slot % 2 === 1)));
    move(czk(9_000), 700);
    // the same days, codes and total balance: only the amounts of a bucket inside the series moved
    expect(JSON.stringify(state.days.map((bucket) => bucket.filter((_, slot) => slot % 2 === 1)))).toBe(shape);
    const after = reads(seriesFeatures(state, lastDay, calendar));
    expect(after).toEqual(reads(walked(state, lastDay)));
    expect(after).not.toEqual(before);
  });

  it('a change made to the buckets or balances outside applyTransaction is noticed too', () => {
    const { state } = scattered(8);
    const lastDay = calendar.dayOf(state.streamTime);
    reads(seriesFeatures(state, lastDay, calendar));
    state.days.push([lastDay + 1, 8 + counterpartyKinds.indexOf('OTHER_BANK'), czk(3_000)]);
    state.accounts['a-1'] = [state.accounts['a-1']![0] - czk(3_000), state.accounts['a-1']![1]];
    expect(reads(seriesFeatures(state, lastDay + 1, calendar))).toEqual(reads(walked(state, lastDay + 1)));
  });

  it('the daily closes of a silent customer, one after another on one state, judge as on a fresh copy each day', () => {
    const { state } = scattered(9);
    const fresh = structuredClone(state);
    const lastDay = calendar.dayOf(state.streamTime);
    const holder = profile({ customerId: 'c-ds', servedTier: 'GOLD' });
    const context = { rules, tier: holder.servedTier, thresholdFactorBp: 10_000 };
    for (let day = lastDay; day < lastDay + 40; day += 1) {
      const kept = evaluateDayClose(state, holder, day, context, calendar);
      const copy = structuredClone(fresh);
      const judged = evaluateDayClose(copy, holder, day, context, calendar);
      expect(kept, `close of day ${day}`).toEqual(judged);
      expect(state).toEqual(copy);
      Object.assign(fresh, copy);
    }
  });

  it('a close after a posting on the same state reads the posting', () => {
    const { state, ledger } = scattered(10);
    const lastDay = calendar.dayOf(state.streamTime);
    const holder = profile({ customerId: 'c-ds' });
    const context = { rules, tier: holder.servedTier, thresholdFactorBp: 10_000 };
    evaluateDayClose(state, holder, lastDay, context, calendar);
    const exit: Transaction = ledger.debit(czk(40_000), calendar.startOf(lastDay + 1) + 3_600_000, { counterpartyKind: 'OTHER_BANK' });
    applyTransaction(state, exit, { partition: 0, offset: state.appliedOffset + 1 }, rules, calendar);
    const copy = structuredClone(state);
    expect(evaluateDayClose(state, holder, lastDay + 1, context, calendar)).toEqual(evaluateDayClose(copy, holder, lastDay + 1, context, calendar));
    expect(state).toEqual(copy);
  });
});

describe('day series: the running sums kept posting by posting (core/day-series.ts ledger)', () => {
  const DAY = 86_400_000;

  it.each([11, 12, 13])('seed %i: read after every day of postings (late ones, a new account, 200 days), as made afresh and as walked', (seed) => {
    const next = random(seed);
    const ledger = new Ledger('c-kept', { 'a-1': czk(80_000) });
    const start = pragueWinter('2024-01-02');
    const state = newCustomerState('c-kept', 0, start);
    const made = new Set<unknown>();
    for (let day = 0; day < 200; day += 1) {
      if (day > 1 && next() < 0.4) continue;
      const postings = 1 + Math.floor(next() * 3);
      for (let index = 0; index < postings; index += 1) {
        // now and then a late posting, up to 5 days back (within the lateness window), on day 1 before the first day
        const late = day === 1 && index === 0 ? 3 : next() < 0.15 ? 1 + Math.floor(next() * 5) : 0;
        const kind: CounterpartyKind = counterpartyKinds[Math.floor(next() * counterpartyKinds.length)]!;
        const accountId = day > 100 && next() < 0.3 ? 'a-3' : 'a-1';
        const amount = czk(100 + Math.floor(next() * 20_000));
        const at = start + (day - late) * DAY + 3_600_000 + index * 60_000;
        const transaction =
          next() < 0.5 ? ledger.credit(amount, at, { counterpartyKind: kind, accountId }) : ledger.debit(amount, at, { counterpartyKind: kind, accountId, initiatedBy: next() < 0.5 ? 'CUSTOMER' : 'SYSTEM' });
        expect(applyTransaction(state, transaction, { partition: 0, offset: state.appliedOffset + 1 }, rules, calendar)).toBe('applied');
      }
      const today = calendar.dayOf(state.streamTime);
      const kept = seriesFeatures(state, today, calendar);
      const read = reads(kept);
      made.add(daySeriesOf(state.days, kept.totalBalance).ledger);
      // a copy has buckets of its own: its series is made from them, not kept
      expect(read, `day ${day}`).toEqual(reads(seriesFeatures(structuredClone(state), today, calendar)));
      expect(read, `day ${day}`).toEqual(reads(walked(state, today)));
      expect(reads(kept.at(today - 40)), `day ${day}, 40 days before`).toEqual(reads(walked(state, today - 40)));
    }
    // kept: made again only when the postings reach past the days it was made for, or land before its first day
    expect(made.size).toBeGreaterThan(1);
    expect(made.size).toBeLessThan(15);
  });
});

describe('day series: suffix sums give each close and flow of the buckets', () => {
  /** Buckets [day, code, amount, ...] on scattered days, codes across money in (0..7), out (8..15) and regular income (24..31). */
  function buckets(seed: number): number[][] {
    const next = random(seed);
    const days: number[][] = [];
    for (let day = 500; day < 590; day += 1) {
      if (next() < 0.5) continue;
      const bucket = [day];
      for (let slot = Math.floor(next() * 4); slot >= 0; slot -= 1) {
        const group = [0, 8, 24][Math.floor(next() * 3)]!;
        bucket.push(group + Math.floor(next() * 8), 1 + Math.floor(next() * 3_000_000_000));
      }
      days.push(bucket);
    }
    return days;
  }

  it('closes, close sums and flow sums match a walk of the buckets, for two series read in turn (nothing shared)', () => {
    const masks = [0xff, 0xff00, 0x5a5a, 0xff000000];
    const all = [1, 2, 3].map((seed) => ({ days: buckets(seed), walkFrom: 7_000_000_000 + seed }));
    const series = all.map(({ days, walkFrom }) => daySeriesOf(days, walkFrom));
    for (let index = 0; index < all.length; index += 1) {
      const { days, walkFrom } = all[index]!;
      const own = series[index]!;
      // expected closes by walking back, as the walk over the buckets does
      const closes = new Map<number, number>();
      let close = walkFrom;
      let at = days.length - 1;
      for (let day = 600; day >= 480; day -= 1) {
        closes.set(day, close);
        if (at >= 0 && days[at]![0] === day) close -= netFlowOf(days[at]!);
        if (at >= 0 && days[at]![0] === day) at -= 1;
      }
      for (let day = 480; day <= 600; day += 1) {
        expect(closeOn(own, day)).toBe(closes.get(day));
        for (const span of [1, 7, 30]) {
          let sum = 0;
          for (let d = day; d < day + span && d <= 600; d += 1) sum += closes.get(d)!;
          if (day + span - 1 <= 600) expect(sumOfCloses(own, day, day + span - 1)).toBe(sum);
        }
        for (const mask of masks) {
          const daily = (d: number) => days.filter((bucket) => bucket[0] === d).reduce((sum, bucket) => sum + bucketSum(bucket, mask), 0);
          expect(flowOn(own, mask, day)).toBe(daily(day));
          let over = 0;
          for (let d = day - 9; d <= day; d += 1) over += daily(d);
          expect(flowOver(own, mask, day - 9, day)).toBe(over);
        }
      }
    }
  });
});
