import { counterpartyKinds } from '../domain/transaction.ts';
import type { Category, CounterpartyKind, Direction } from '../domain/transaction.ts';

/**
 * Daily flow buckets: one array per business day with postings, oldest first:
 *   [day, code, amount, code, amount, ...]
 * A code says what the amount is: money in or out by counterparty kind, regular income (salary, pension) in by
 * counterparty kind, or the count of customer-initiated transactions. Regular income is kept apart so that a
 * salary is never part of a balance jump, and so that its rhythm can be followed. Small integers keep the state compact (msgpack stores each in one byte); only days with postings
 * are kept, and only as far back as the longest window.
 */
const OUTFLOW_BASE = 8;
export const CUSTOMER_INITIATED_COUNT = 16;
const REGULAR_INCOME_BASE = 24;
const REGULAR_INCOME: readonly Category[] = ['SALARY', 'PENSION'];

/** The bucket code of a posting: regular income is told apart from other money in. */
export function flowCode(direction: Direction, kind: CounterpartyKind, category: Category = 'OTHER'): number {
  const kindIndex = counterpartyKinds.indexOf(kind);
  if (direction === 'DEBIT') return OUTFLOW_BASE + kindIndex;
  return (REGULAR_INCOME.includes(category) ? REGULAR_INCOME_BASE : 0) + kindIndex;
}

/** Codes of all money moving in `direction` with these counterparties (inflow: regular income included). */
export function flowCodes(direction: Direction, kinds: readonly CounterpartyKind[]): number[] {
  if (direction === 'DEBIT') return kinds.map((kind) => flowCode('DEBIT', kind));
  return kinds.flatMap((kind) => [flowCode('CREDIT', kind), flowCode('CREDIT', kind, 'SALARY')]);
}

/**
 * A set of codes as a bit mask: every code is below 32, so a slot is tested in one operation. The day close asks
 * for the same few sets dozens of times per customer and day, where building and searching code arrays cost more
 * than the sums themselves.
 */
export function codeMask(codes: readonly number[]): number {
  let mask = 0;
  for (const code of codes) mask |= 1 << code;
  return mask;
}

const inMask = (mask: number, code: number) => ((mask >>> code) & 1) === 1;

/** Masks by direction and kinds list, remembered per list (the rules' and the features' lists are long-lived constants). */
const flowMasks = { CREDIT: new WeakMap<readonly CounterpartyKind[], number>(), DEBIT: new WeakMap<readonly CounterpartyKind[], number>() };
const irregularMasks = new WeakMap<readonly CounterpartyKind[], number>();

/** codeMask(flowCodes(direction, kinds)), remembered. */
export function flowMask(direction: Direction, kinds: readonly CounterpartyKind[]): number {
  const known = flowMasks[direction].get(kinds);
  if (known !== undefined) return known;
  const mask = codeMask(flowCodes(direction, kinds));
  flowMasks[direction].set(kinds, mask);
  return mask;
}

/** codeMask(irregularInflowCodes(kinds)), remembered. */
export function irregularInflowMask(kinds: readonly CounterpartyKind[]): number {
  const known = irregularMasks.get(kinds);
  if (known !== undefined) return known;
  const mask = codeMask(irregularInflowCodes(kinds));
  irregularMasks.set(kinds, mask);
  return mask;
}

/** Codes of money in other than regular income (salary, pension): what can be a jump or money moved over. */
export function irregularInflowCodes(kinds: readonly CounterpartyKind[]): number[] {
  return kinds.map((kind) => flowCode('CREDIT', kind));
}

export const allInflowCodes = flowCodes('CREDIT', counterpartyKinds);
export const allOutflowCodes = flowCodes('DEBIT', counterpartyKinds);

const isInflow = (code: number) => code < OUTFLOW_BASE || (code >= REGULAR_INCOME_BASE && code < REGULAR_INCOME_BASE + OUTFLOW_BASE);
const isOutflow = (code: number) => code >= OUTFLOW_BASE && code < CUSTOMER_INITIATED_COUNT;

/** Adds `amount` under `code` on `day`, keeping days in order. Mutates `days` (the caller owns a private copy). */
export function addToDay(days: number[][], day: number, code: number, amount: number): void {
  let index = days.length - 1;
  while (index >= 0 && days[index]![0]! > day) index -= 1; // late events are rare: search from the newest day
  let bucket = days[index];
  if (bucket === undefined || bucket[0] !== day) {
    bucket = [day];
    days.splice(index + 1, 0, bucket);
  }
  for (let slot = 1; slot < bucket.length; slot += 2) {
    if (bucket[slot] === code) {
      bucket[slot + 1] = bucket[slot + 1]! + amount;
      return;
    }
  }
  bucket.push(code, amount);
}

/** Drops days before `oldestDay`. */
export function dropDaysBefore(days: number[][], oldestDay: number): void {
  let keepFrom = 0;
  while (keepFrom < days.length && days[keepFrom]![0]! < oldestDay) keepFrom += 1;
  if (keepFrom > 0) days.splice(0, keepFrom);
}

/** Sum of the given codes over days fromDay..toDay inclusive. */
export function sumOver(days: readonly number[][], fromDay: number, toDay: number, codes: readonly number[]): number {
  return sumOverMask(days, fromDay, toDay, codeMask(codes));
}

/** Sum of the codes in `mask` (codeMask) over days fromDay..toDay inclusive. */
export function sumOverMask(days: readonly number[][], fromDay: number, toDay: number, mask: number): number {
  let total = 0;
  for (let index = days.length - 1; index >= 0; index -= 1) {
    const bucket = days[index]!;
    const day = bucket[0]!;
    if (day < fromDay) break;
    if (day > toDay) continue;
    total += bucketSum(bucket, mask);
  }
  return total;
}

/** Sum of the codes in `mask` on one day's bucket. */
export function bucketSum(bucket: readonly number[], mask: number): number {
  let total = 0;
  for (let slot = 1; slot < bucket.length; slot += 2) {
    if (inMask(mask, bucket[slot]!)) total += bucket[slot + 1]!;
  }
  return total;
}

/** How a code's amount moves the balance: +1 money in, -1 money out, 0 a count (customer-initiated transactions). */
export function netSignOf(code: number): number {
  return isInflow(code) ? 1 : isOutflow(code) ? -1 : 0;
}

/** Money in minus money out on one bucket (own-account transfers cancel out across the customer's accounts). */
export function netFlowOf(bucket: readonly number[]): number {
  let net = 0;
  for (let slot = 1; slot < bucket.length; slot += 2) {
    const code = bucket[slot]!;
    if (isInflow(code)) net += bucket[slot + 1]!;
    else if (isOutflow(code)) net -= bucket[slot + 1]!;
  }
  return net;
}

/** How far from a month back, and how close in amount, a credit must be to count as the same monthly one. */
const MONTH_BACK_DAYS = [25, 35] as const;
const SAME_AMOUNT_PERCENT = 15;

/**
 * Whether a credit (or a payment) repeats one with the same kind of counterparty about a month earlier (25-35 days, within 15% of
 * its amount, on the day buckets of the retained days): a customer's monthly income arriving as a transfer from
 * another bank is their normal, not a balance jump. Decided from the days before the credit (call it before the
 * credit is applied).
 */
export function isMonthlyRepeat(days: readonly number[][], day: number, code: number, amount: number): boolean {
  for (let index = days.length - 1; index >= 0; index -= 1) {
    const bucket = days[index]!;
    const gap = day - bucket[0]!;
    if (gap > MONTH_BACK_DAYS[1]) break;
    if (gap < MONTH_BACK_DAYS[0]) continue;
    for (let slot = 1; slot < bucket.length; slot += 2) {
      if (bucket[slot] === code && Math.abs(bucket[slot + 1]! - amount) * 100 <= SAME_AMOUNT_PERCENT * amount) return true;
    }
  }
  return false;
}

/** A month back, for asking isMonthlyRepeat about the month before last. */
const MONTH_DAYS = 30;

/**
 * Whether a payment repeats one of about the same amount to the same kind of counterparty a month and two months
 * before (isMonthlyRepeat twice): a standing order, such as rent or a loan at another bank.
 */
export function isStandingOrder(days: readonly number[][], day: number, code: number, amount: number): boolean {
  return isMonthlyRepeat(days, day, code, amount) && isMonthlyRepeat(days, day - MONTH_DAYS, code, amount);
}
