import { addToDay, bucketSum, netFlowOf, netSignOf } from './flows.ts';

/**
 * A customer's daily closes and flow sums by business day, read by every day close (issue 12: each close walked up to
 * 90 days of buckets a dozen times over, once per window read; then once per close, which was still the largest cost
 * of a replay).
 *
 * A close does not depend on the day it is read as of: the close of day d is the balance now less the net flow of
 * every day after d. So outside the days with buckets it is constant (the opening carried back before the first, the
 * balance now after the last), and one series answers any window of any day, the hold days and trend days before the
 * judged one included. Flow sums are 0 outside.
 *
 * The sums are running sums by day (a ledger), kept beside the bucket array they are sums of and moved by every
 * posting added to it (addToSeries), so that a close reads them instead of deriving them again: a window's sum of
 * closes or of a flow is the difference of two running sums (exact: integer minor units far below 2^53). The ledger is
 * not part of the stored state: it is made from the buckets on a close's first read, and lives as long as the bucket
 * array does (a replay's in-memory states: across all their closes; a state decoded from Redis: one batch). Buckets
 * must change only through addToSeries and dropDaysBefore (applyTransaction); a ledger whose last day is not the
 * buckets' last day is made again.
 */
export interface DaySeries {
  /** First and last business day with a bucket (first > last: none). */
  readonly first: number;
  readonly last: number;
  /** The close of every day from `last` on (the balance the walk starts from). */
  readonly walkFrom: number;
  /** The close of day d (first - 1 <= d <= last) is base + the ledger's running net flow as of d. */
  readonly base: number;
  /** Absent when there are no buckets. */
  readonly ledger: DayLedger | undefined;
  /** The buckets it reads. */
  readonly days: readonly number[][];
}

/**
 * Days a ledger is made for beyond the days it covers: it is made again once the buckets reach past them (every 16
 * days of a daily poster: a few percent of its closes; more slack is more heap per customer).
 */
const SLACK_DAYS = 16;

/** Running sums over the business days origin..covered of one bucket array. */
interface DayLedger {
  readonly origin: number;
  /** The last day summed: the last bucket's day. */
  covered: number;
  readonly capacity: number;
  /**
   * netSums[i]: net(origin) + ... + net(origin + i), where net(d) is the net flow of the buckets on days origin..d (days
   * dropped since included: only differences are read). Sums of closes are differences of netSums, and net(d) is
   * netSums[i] - netSums[i - 1] (not kept apart: half the heap).
   */
  readonly netSums: Float64Array;
  /** The code masks read so far, and for each the running sum of its codes (as net), made on first read. */
  readonly masks: number[];
  readonly flows: Float64Array[];
  /** Moved by every posting added (addToSeries): a series made at another version may read other sums. */
  version: number;
  /** The series last made of these buckets, answered again while nothing it read has moved. */
  lastSeries: (DaySeries & { readonly version: number }) | undefined;
}

const ledgers = new WeakMap<readonly number[][], DayLedger>();

/** The series of these buckets, walked back from `walkFrom` (the balance now, less any account left out). */
export function daySeriesOf(days: readonly number[][], walkFrom: number): DaySeries {
  if (days.length === 0) return { first: 0, last: -1, walkFrom, base: walkFrom, ledger: undefined, days };
  const first = days[0]![0]!;
  const last = days[days.length - 1]![0]!;
  const ledger = ledgerOf(days, first, last);
  // the same series again while the buckets and walkFrom are as they were: a series is asked for by every close, next
  // wake-up and posting measure of a customer, most of them between the same two postings
  const known = ledger.lastSeries;
  if (known !== undefined && known.version === ledger.version && known.walkFrom === walkFrom && known.first === first && known.last === last) return known;
  const series = { first, last, walkFrom, base: walkFrom - netAt(ledger, last), ledger, days, version: ledger.version };
  ledger.lastSeries = series;
  return series;
}

/**
 * Whether these buckets have running sums kept (a close read them since they were last made): reads outside a close
 * (the next wake-up, the transaction detectors' measures) use them then, and walk their few days otherwise, rather
 * than make sums for one read (a state decoded from Redis for one batch).
 */
export const seriesKept = (days: readonly number[][]): boolean => ledgers.has(days);

/**
 * addToDay, keeping the buckets' ledger (when one was made) up to date: a posting on the latest day moves one running
 * sum of each kind; a late one, the sums from its day on.
 */
export function addToSeries(days: number[][], day: number, code: number, amount: number): void {
  addToDay(days, day, code, amount);
  const ledger = ledgers.get(days);
  if (ledger === undefined) return;
  const at = day - ledger.origin;
  if (at < 0 || at >= ledger.capacity) {
    ledgers.delete(days); // made again, from the buckets as they are, at the next read
    return;
  }
  ledger.version += 1;
  if (day > ledger.covered) extend(ledger, day);
  const end = ledger.covered - ledger.origin;
  const sign = netSignOf(code);
  if (sign !== 0) {
    const delta = sign * amount;
    const { netSums } = ledger;
    for (let index = at; index <= end; index += 1) netSums[index] = netSums[index]! + delta * (index - at + 1);
  }
  for (let slot = 0; slot < ledger.masks.length; slot += 1) {
    if (((ledger.masks[slot]! >>> code) & 1) === 0) continue;
    const flows = ledger.flows[slot]!;
    for (let index = at; index <= end; index += 1) flows[index] = flows[index]! + amount;
  }
}

/** The ledger of the buckets, made when there is none or it is not theirs any more. */
function ledgerOf(days: readonly number[][], first: number, last: number): DayLedger {
  const known = ledgers.get(days);
  if (known !== undefined && first >= known.origin && last === known.covered) return known;
  const capacity = last - first + 1 + SLACK_DAYS;
  const netSums = new Float64Array(capacity);
  let cumulative = 0;
  let sum = 0;
  let index = 0;
  for (let day = first; day <= last; day += 1) {
    if (index < days.length && days[index]![0] === day) {
      cumulative += netFlowOf(days[index]!);
      index += 1;
    }
    sum += cumulative;
    netSums[day - first] = sum;
  }
  const ledger: DayLedger = { origin: first, covered: last, capacity, netSums, masks: [], flows: [], version: 0, lastSeries: undefined };
  ledgers.set(days, ledger);
  return ledger;
}

/** Carries the running sums on to `day` (days without postings). */
function extend(ledger: DayLedger, day: number): void {
  const { netSums, flows } = ledger;
  const net = netAt(ledger, ledger.covered);
  for (let index = ledger.covered - ledger.origin + 1; index <= day - ledger.origin; index += 1) {
    netSums[index] = netSums[index - 1]! + net;
    for (const sums of flows) sums[index] = sums[index - 1]!;
  }
  ledger.covered = day;
}

/** The running sums of `mask` over the ledger's days, made from the buckets on first read. */
function flowsOf(series: DaySeries, mask: number): Float64Array {
  const ledger = series.ledger!;
  const slot = ledger.masks.indexOf(mask);
  if (slot !== -1) return ledger.flows[slot]!;
  const sums = new Float64Array(ledger.capacity);
  const { days } = series;
  let sum = 0;
  let index = 0;
  for (let day = series.first; day <= ledger.covered; day += 1) {
    if (index < days.length && days[index]![0] === day) {
      sum += bucketSum(days[index]!, mask);
      index += 1;
    }
    sums[day - ledger.origin] = sum;
  }
  ledger.masks.push(mask);
  ledger.flows.push(sums);
  return sums;
}

/** The running net flow as of `day` (0 before the ledger's origin). */
function netAt(ledger: DayLedger, day: number): number {
  const index = day - ledger.origin;
  if (index < 0) return 0;
  return index === 0 ? ledger.netSums[0]! : ledger.netSums[index]! - ledger.netSums[index - 1]!;
}

/** A running sum as of `day` (0 before the ledger's origin). */
const runningAt = (sums: Float64Array, origin: number, day: number): number => (day < origin ? 0 : sums[day - origin]!);

/** The close of `day`. */
export function closeOn(series: DaySeries, day: number): number {
  const { ledger } = series;
  if (day > series.last || ledger === undefined) return series.walkFrom;
  return series.base + netAt(ledger, Math.max(day, series.first - 1));
}

/** The sum of the closes of fromDay..toDay (inclusive; 0 when empty). */
export function sumOfCloses(series: DaySeries, fromDay: number, toDay: number): number {
  if (toDay < fromDay) return 0;
  const { first, last, ledger } = series;
  if (ledger === undefined) return (toDay - fromDay + 1) * series.walkFrom;
  let sum = 0;
  if (fromDay < first) sum += (Math.min(toDay, first - 1) - fromDay + 1) * closeOn(series, first - 1);
  if (toDay > last) sum += (toDay - Math.max(fromDay, last + 1) + 1) * series.walkFrom;
  const from = Math.max(fromDay, first);
  const to = Math.min(toDay, last);
  if (from <= to) sum += (to - from + 1) * series.base + runningAt(ledger.netSums, ledger.origin, to) - runningAt(ledger.netSums, ledger.origin, from - 1);
  return sum;
}

/** The sum of the codes in `mask` on `day` (0 on a day without postings). */
export function flowOn(series: DaySeries, mask: number, day: number): number {
  if (day < series.first || day > series.last) return 0;
  const sums = flowsOf(series, mask);
  const { origin } = series.ledger!;
  return sums[day - origin]! - runningAt(sums, origin, day - 1);
}

/** The sum of the codes in `mask` over fromDay..toDay (inclusive). */
export function flowOver(series: DaySeries, mask: number, fromDay: number, toDay: number): number {
  const from = Math.max(fromDay, series.first);
  const to = Math.min(toDay, series.last);
  if (from > to) return 0;
  const sums = flowsOf(series, mask);
  const { origin } = series.ledger!;
  return sums[to - origin]! - runningAt(sums, origin, from - 1);
}

/**
 * Writes the closes of fromDay..toDay to out[0..] (out[0]: fromDay's), as closeOn gives them, in one walk of the running
 * sums: a day close reads the same 90 days of closes for its sustained peak and two lows, and closeOn per day cost more
 * than the reads themselves.
 */
export function closesInto(series: DaySeries, fromDay: number, toDay: number, out: Float64Array): void {
  const { first, last, ledger, walkFrom, base } = series;
  if (ledger === undefined) {
    out.fill(walkFrom, 0, toDay - fromDay + 1);
    return;
  }
  const { netSums, origin } = ledger;
  let day = fromDay;
  // before the first bucket: the opening carried back; after the last: the balance now (closeOn's cases, in order)
  const opening = closeOn(series, first - 1);
  for (; day <= toDay && day < first; day += 1) out[day - fromDay] = opening;
  const through = Math.min(toDay, last);
  for (; day <= through; day += 1) {
    const index = day - origin;
    out[day - fromDay] = base + (index === 0 ? netSums[0]! : netSums[index]! - netSums[index - 1]!);
  }
  for (; day <= toDay; day += 1) out[day - fromDay] = walkFrom;
}

/**
 * The highest of the lowest closes of every `holdDays` days in a row among closes[from..to] (-Infinity when none): the
 * balance held for that long.
 */
export function sustainedPeakIn(closes: Float64Array, from: number, to: number, holdDays: number): number {
  if (holdDays === 3) return heldThreeDaysPeakIn(closes, from, to);
  let peak = Number.NEGATIVE_INFINITY;
  for (let start = from; start + holdDays - 1 <= to; start += 1) {
    let lowest = closes[start]!;
    for (let later = start + 1; later < start + holdDays; later += 1) lowest = Math.min(lowest, closes[later]!);
    peak = Math.max(peak, lowest);
  }
  return peak;
}

/**
 * sustainedPeakIn of the churn score's hold (3 days, at every close), rolled over the closes with the two before each
 * kept: the loop within the loop cost more than the closes it compared (same values: a minimum and a maximum of the
 * same numbers, in whatever order).
 */
function heldThreeDaysPeakIn(closes: Float64Array, from: number, to: number): number {
  let peak = Number.NEGATIVE_INFINITY;
  if (to - from < 2) return peak;
  let twoBefore = closes[from]!;
  let dayBefore = closes[from + 1]!;
  for (let index = from + 2; index <= to; index += 1) {
    const close = closes[index]!;
    let lowest = twoBefore < dayBefore ? twoBefore : dayBefore;
    if (close < lowest) lowest = close;
    if (lowest > peak) peak = lowest;
    twoBefore = dayBefore;
    dayBefore = close;
  }
  return peak;
}

/** The lowest of closes[from..to] (Infinity when empty). */
export function lowestIn(closes: Float64Array, from: number, to: number): number {
  let low = Number.POSITIVE_INFINITY;
  for (let index = from; index <= to; index += 1) if (closes[index]! < low) low = closes[index]!;
  return low;
}

/** The largest one-day sum of `mask` over fromDay..toDay (0 when none is larger: a day without postings sums to 0). */
export function largestFlowOn(series: DaySeries, mask: number, fromDay: number, toDay: number): number {
  const from = Math.max(fromDay, series.first);
  const to = Math.min(toDay, series.last);
  if (from > to) return 0;
  const sums = flowsOf(series, mask);
  const { origin } = series.ledger!;
  let largest = 0;
  let before = runningAt(sums, origin, from - 1);
  for (let index = from - origin; index <= to - origin; index += 1) {
    const sum = sums[index]!;
    if (sum - before > largest) largest = sum - before;
    before = sum;
  }
  return largest;
}

/** Days of fromDay..toDay on which the codes of `mask` summed to at least `minAmount` (> 0: a day without postings never counts). */
export function daysWithFlowOf(series: DaySeries, mask: number, fromDay: number, toDay: number, minAmount: number): number {
  const from = Math.max(fromDay, series.first);
  const to = Math.min(toDay, series.last);
  if (from > to) return 0;
  const sums = flowsOf(series, mask);
  const { origin } = series.ledger!;
  let count = 0;
  let before = runningAt(sums, origin, from - 1);
  for (let index = from - origin; index <= to - origin; index += 1) {
    const sum = sums[index]!;
    if (sum - before >= minAmount) count += 1;
    before = sum;
  }
  return count;
}
