import { bucketSum, netFlowOf } from './flows.ts';

/**
 * A customer's daily closes and flow sums by business day, derived from the flow buckets once and read by every day
 * close until a transaction changes them (issue 12: a silent customer in motion is judged every day, and each close
 * walked 90 days of buckets a dozen times over to find figures that had not changed since the day before).
 *
 * A close does not depend on the day it is read as of: the close of day d is the balance the walk starts from less
 * the net flow of every day after d. So outside the days with buckets it is constant (the opening carried back before
 * the first, the balance now after the last), and one series answers any window of any day. Flow sums are 0 outside.
 *
 * Derived, never stored: kept per bucket array (the state's `days`) in a WeakMap, forgotten by applyTransaction
 * before it touches the buckets or the balances (forgetDaySeries), and checked against the buckets' ends and the
 * starting balance at every lookup, so that a state changed any other way is never read stale.
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
  /** What the series was built from, to tell a changed state. */
  readonly days: readonly number[][];
  readonly bucketCount: number;
  readonly firstBucket: readonly number[] | undefined;
  readonly lastBucket: readonly number[] | undefined;
  readonly lastBucketLength: number;
}

const known = new WeakMap<readonly number[][], DaySeries>();

/** Drops the series derived from these buckets: called before they, or the balances they are walked from, change. */
export function forgetDaySeries(days: readonly number[][]): void {
  known.delete(days);
}

const stillMatches = (series: DaySeries, days: readonly number[][], walkFrom: number): boolean =>
  series.walkFrom === walkFrom &&
  series.bucketCount === days.length &&
  series.firstBucket === days[0] &&
  series.lastBucket === days[days.length - 1] &&
  series.lastBucketLength === (days[days.length - 1]?.length ?? 0);

/** The series of these buckets walked back from `walkFrom`: the one already derived when it still matches, else a new one. */
export function daySeriesOf(days: readonly number[][], walkFrom: number): DaySeries {
  const cached = known.get(days);
  if (cached !== undefined && stillMatches(cached, days, walkFrom)) return cached;
  const series = build(days, walkFrom);
  known.set(days, series);
  return series;
}

function build(days: readonly number[][], walkFrom: number): DaySeries {
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
    bucketCount: days.length,
    firstBucket: days[0],
    lastBucket: days[days.length - 1],
    lastBucketLength: days[days.length - 1]?.length ?? 0,
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
