import { bucketSum, netFlowOf } from './flows.ts';

/**
 * A customer's daily closes and flow sums by business day, derived from the flow buckets in one walk and shared by
 * every read of one day close (issue 12: each close walked up to 90 days of buckets a dozen times over, once per
 * window read).
 *
 * A close does not depend on the day it is read as of: the close of day d is the balance the walk starts from less
 * the net flow of every day after d. So outside the days with buckets it is constant (the opening carried back before
 * the first, the balance now after the last), and one series answers any window of any day, the hold days and trend
 * days before the judged one included. Flow sums are 0 outside.
 *
 * Derived per evaluation, never kept: keeping it across closes (a WeakMap per bucket array, forgotten when a posting
 * changes the state) was measured and gained nothing on a replay, where most closes follow a day with postings, for
 * several KiB of heap per customer.
 */
export interface DaySeries {
  /** First and last business day with a bucket (first > last: none). */
  readonly first: number;
  readonly last: number;
  /** The close of every day from `last` on (the balance the walk starts from). */
  readonly walkFrom: number;
  /** The close of every day before `first`. */
  readonly closeBefore: number;
  /** closes[i]: the close of day first + i. */
  readonly closes: readonly number[];
  /** closePrefix[i]: the sum of closes[0..i-1] (exact: integers far below 2^53). */
  readonly closePrefix: readonly number[];
  /** Per code mask: daily sums over first..last and their prefix sums, built on first use. */
  readonly flows: Map<number, { sums: number[]; prefix: number[] }>;
  /** The buckets it was derived from. */
  readonly days: readonly number[][];
}

/** The series of these buckets, walked back from `walkFrom` (the balance now, less any account left out). */
export function daySeriesOf(days: readonly number[][], walkFrom: number): DaySeries {
  const first = days[0]?.[0] ?? 0;
  const last = days[days.length - 1]?.[0] ?? -1;
  const length = Math.max(0, last - first + 1);
  const closes = new Array<number>(length);
  let close = walkFrom;
  let index = days.length - 1;
  for (let day = last; day >= first; day -= 1) {
    closes[day - first] = close;
    if (index >= 0 && days[index]![0] === day) {
      close -= netFlowOf(days[index]!);
      index -= 1;
    }
  }
  const closePrefix = new Array<number>(length + 1);
  closePrefix[0] = 0;
  for (let offset = 0; offset < length; offset += 1) closePrefix[offset + 1] = closePrefix[offset]! + closes[offset]!;
  return {
    first,
    last,
    walkFrom,
    closeBefore: close,
    closes,
    closePrefix,
    flows: new Map(),
    days,
  };
}

/** The close of `day`. */
export function closeOn(series: DaySeries, day: number): number {
  if (day > series.last) return series.walkFrom;
  if (day < series.first) return series.closeBefore;
  return series.closes[day - series.first]!;
}

/** The sum of the closes of fromDay..toDay (inclusive; 0 when empty). */
export function sumOfCloses(series: DaySeries, fromDay: number, toDay: number): number {
  if (toDay < fromDay) return 0;
  const { first, last } = series;
  let sum = 0;
  if (fromDay < first) sum += (Math.min(toDay, first - 1) - fromDay + 1) * series.closeBefore;
  if (toDay > last) sum += (toDay - Math.max(fromDay, last + 1) + 1) * series.walkFrom;
  const from = Math.max(fromDay, first);
  const to = Math.min(toDay, last);
  if (from <= to) sum += series.closePrefix[to - first + 1]! - series.closePrefix[from - first]!;
  return sum;
}

function flowsOf(series: DaySeries, mask: number): { sums: number[]; prefix: number[] } {
  let flows = series.flows.get(mask);
  if (flows === undefined) {
    const length = series.closes.length;
    const sums = new Array<number>(length).fill(0);
    for (const bucket of series.days) sums[bucket[0]! - series.first] = bucketSum(bucket, mask);
    const prefix = new Array<number>(length + 1);
    prefix[0] = 0;
    for (let offset = 0; offset < length; offset += 1) prefix[offset + 1] = prefix[offset]! + sums[offset]!;
    flows = { sums, prefix };
    series.flows.set(mask, flows);
  }
  return flows;
}

/** The sum of the codes in `mask` on `day` (0 on a day without postings). */
export function flowOn(series: DaySeries, mask: number, day: number): number {
  if (day < series.first || day > series.last) return 0;
  return flowsOf(series, mask).sums[day - series.first]!;
}

/** The sum of the codes in `mask` over fromDay..toDay (inclusive). */
export function flowOver(series: DaySeries, mask: number, fromDay: number, toDay: number): number {
  const from = Math.max(fromDay, series.first);
  const to = Math.min(toDay, series.last);
  if (from > to) return 0;
  const { prefix } = flowsOf(series, mask);
  return prefix[to - series.first + 1]! - prefix[from - series.first]!;
}
