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
  /**
   * closeSuffix[i]: the sum of the closes of days first + i .. last; closeSuffix[last - first + 1] = 0. One array built in
   * the one walk back (issue 12 item 4: the closes and their prefix sums were two arrays and two loops per close); a
   * close is the difference of two neighbours (exact: integers far below 2^53).
   */
  readonly closeSuffix: readonly number[];
  /** Per code mask: the suffix sums of the daily sums over first..last (as closeSuffix), built on first use; no map until then. */
  flows: Map<number, number[]> | undefined;
  /** The buckets it was derived from. */
  readonly days: readonly number[][];
}

/** The series of these buckets, walked back from `walkFrom` (the balance now, less any account left out). */
export function daySeriesOf(days: readonly number[][], walkFrom: number): DaySeries {
  const first = days[0]?.[0] ?? 0;
  const last = days[days.length - 1]?.[0] ?? -1;
  const length = Math.max(0, last - first + 1);
  const closeSuffix = new Array<number>(length + 1);
  closeSuffix[length] = 0;
  let close = walkFrom;
  let sum = 0;
  let index = days.length - 1;
  for (let day = last; day >= first; day -= 1) {
    sum += close;
    closeSuffix[day - first] = sum;
    if (index >= 0 && days[index]![0] === day) {
      close -= netFlowOf(days[index]!);
      index -= 1;
    }
  }
  return { first, last, walkFrom, closeBefore: close, closeSuffix, flows: undefined, days };
}

/** The close of `day`. */
export function closeOn(series: DaySeries, day: number): number {
  if (day > series.last) return series.walkFrom;
  if (day < series.first) return series.closeBefore;
  const offset = day - series.first;
  return series.closeSuffix[offset]! - series.closeSuffix[offset + 1]!;
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
  if (from <= to) sum += series.closeSuffix[from - first]! - series.closeSuffix[to - first + 1]!;
  return sum;
}

/** Suffix sums of the daily sums of `mask`, walked back over the buckets in one pass (no zero-filled day array). */
function flowsOf(series: DaySeries, mask: number): number[] {
  series.flows ??= new Map();
  let suffix = series.flows.get(mask);
  if (suffix === undefined) {
    const { first, last, days } = series;
    const length = Math.max(0, last - first + 1);
    suffix = new Array<number>(length + 1);
    suffix[length] = 0;
    let sum = 0;
    let index = days.length - 1;
    for (let day = last; day >= first; day -= 1) {
      if (index >= 0 && days[index]![0] === day) {
        sum += bucketSum(days[index]!, mask);
        index -= 1;
      }
      suffix[day - first] = sum;
    }
    series.flows.set(mask, suffix);
  }
  return suffix;
}

/** The sum of the codes in `mask` on `day` (0 on a day without postings). */
export function flowOn(series: DaySeries, mask: number, day: number): number {
  if (day < series.first || day > series.last) return 0;
  const suffix = flowsOf(series, mask);
  const offset = day - series.first;
  return suffix[offset]! - suffix[offset + 1]!;
}

/** The sum of the codes in `mask` over fromDay..toDay (inclusive). */
export function flowOver(series: DaySeries, mask: number, fromDay: number, toDay: number): number {
  const from = Math.max(fromDay, series.first);
  const to = Math.min(toDay, series.last);
  if (from > to) return 0;
  const suffix = flowsOf(series, mask);
  return suffix[from - series.first]! - suffix[to - series.first + 1]!;
}
