import type { Transaction } from '../domain/transaction.ts';

/**
 * The end of a relationship, derived from what happened later in the customer's own postings (README, "The end of
 * a relationship"): no hand-made label is needed, so a bank can train on its own history.
 */
export interface OutcomeDefinition {
  /** Money gone: the close stays below this share (basis points) of the customer's own 90-day average before it... */
  moneyGoneShareBp: number;
  /** ...for this many days; the end is the first of them. */
  moneyGoneDays: number;
  /** Activity stopped: no customer-initiated transaction for this many days; the end is the last active day. */
  inactiveDays: number;
}

export const defaultOutcome: OutcomeDefinition = { moneyGoneShareBp: 1500, moneyGoneDays: 30, inactiveDays: 60 };

/** The customer's own level: the average close of the days before a day (up to this many). */
const LEVEL_DAYS = 90;
/** A level from fewer days than this says nothing yet. */
const MIN_LEVEL_DAYS = 30;

export type EndReason = 'money_gone' | 'inactive';

export interface RelationshipEnd {
  day: number;
  reason: EndReason;
}

/**
 * One customer's postings reduced to what the outcome needs: the opening balance (from the earliest posting's stamp
 * and amount, the only stamp trusted), the net flow per day and the days with customer-initiated activity.
 */
export class CustomerLedger {
  #firstTime = Number.POSITIVE_INFINITY;
  #opening = 0;
  readonly #netByDay = new Map<number, number>();
  readonly #activeDays = new Set<number>();

  add(transaction: Transaction, day: number): void {
    const signed = transaction.direction === 'CREDIT' ? transaction.amountMinor : -transaction.amountMinor;
    if (transaction.eventTime < this.#firstTime) {
      this.#firstTime = transaction.eventTime;
      this.#opening = transaction.balanceAfterMinor - signed;
    }
    this.#netByDay.set(day, (this.#netByDay.get(day) ?? 0) + signed);
    if (transaction.initiatedBy === 'CUSTOMER') this.#activeDays.add(day);
  }

  /** Daily closes from the first posting's day to lastDay (inclusive): the opening plus cumulative flows. */
  history(lastDay: number): CustomerHistory | null {
    if (this.#netByDay.size === 0) return null;
    const firstDay = Math.min(...this.#netByDay.keys());
    const length = Math.max(0, lastDay - firstDay + 1);
    const closes = new Float64Array(length);
    let balance = this.#opening;
    for (let index = 0; index < length; index += 1) {
      balance += this.#netByDay.get(firstDay + index) ?? 0;
      closes[index] = balance;
    }
    return { firstDay, lastDay, closes, activeDays: [...this.#activeDays].sort((left, right) => left - right) };
  }
}

export interface CustomerHistory {
  firstDay: number;
  /** The last day the data covers (the bank's, not the customer's). */
  lastDay: number;
  /** closes[i] is the close of day firstDay + i. */
  closes: Float64Array;
  /** Days with a customer-initiated transaction, ascending. */
  activeDays: number[];
}

/** The first day of the first run of `moneyGoneDays` closes below the share of the average close before it. */
export function moneyGoneDay(history: CustomerHistory, definition: OutcomeDefinition): number | null {
  const { closes, firstDay } = history;
  const share = definition.moneyGoneShareBp / 10_000;
  const prefix = new Float64Array(closes.length + 1);
  for (let index = 0; index < closes.length; index += 1) prefix[index + 1] = prefix[index]! + closes[index]!;
  for (let start = MIN_LEVEL_DAYS; start + definition.moneyGoneDays <= closes.length; start += 1) {
    const from = Math.max(0, start - LEVEL_DAYS);
    const level = (prefix[start]! - prefix[from]!) / (start - from);
    if (level <= 0) continue;
    const threshold = share * level;
    let run = 0;
    while (run < definition.moneyGoneDays && closes[start + run]! < threshold) run += 1;
    if (run === definition.moneyGoneDays) return firstDay + start;
  }
  return null;
}

/** The last active day before the first silence of `inactiveDays` (the data's end counts as silence). */
export function inactiveEndDay(history: CustomerHistory, definition: OutcomeDefinition): number | null {
  const { activeDays, lastDay } = history;
  for (let index = 0; index < activeDays.length; index += 1) {
    const next = activeDays[index + 1] ?? lastDay + 1;
    // days active+1 .. active+inactiveDays all silent (and seen: the data runs on that far)
    if (next > activeDays[index]! + definition.inactiveDays && activeDays[index]! + definition.inactiveDays <= lastDay) return activeDays[index]!;
  }
  return null;
}

/** The earlier of the two ends, or null: no end seen in the data. */
export function relationshipEnd(history: CustomerHistory, definition: OutcomeDefinition): RelationshipEnd | null {
  const gone = moneyGoneDay(history, definition);
  const inactive = inactiveEndDay(history, definition);
  if (gone === null && inactive === null) return null;
  if (inactive === null || (gone !== null && gone <= inactive)) return { day: gone!, reason: 'money_gone' };
  return { day: inactive, reason: 'inactive' };
}

export type SampleOutcome = 'positive' | 'negative' | 'censored' | 'after_end';

/**
 * A customer-day's outcome: positive when the end falls within the horizon after it, negative when none does and
 * the data runs on long enough to have seen one confirmed (the horizon plus the longer confirmation period), else
 * censored; days on or after the end say nothing about leaving.
 */
export function sampleOutcome(day: number, end: RelationshipEnd | null, lastDay: number, horizonDays: number, definition: OutcomeDefinition): SampleOutcome {
  if (end !== null && end.day <= day) return 'after_end';
  if (end !== null && end.day <= day + horizonDays) return 'positive';
  return day + horizonDays + Math.max(definition.moneyGoneDays, definition.inactiveDays) <= lastDay ? 'negative' : 'censored';
}
