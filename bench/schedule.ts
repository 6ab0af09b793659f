import type { CustomerPlan } from './customers.ts';
import { between, weighted } from './random.ts';
import type { Random } from './random.ts';

export type PostingKind =
  | 'income'
  | 'interest'
  | 'card'
  | 'atm'
  | 'transferOut'
  | 'investmentOut'
  | 'sameBankOut'
  | 'ownTransfer'
  | 'transferIn'
  | 'largeOut'
  | 'largeIn';

/** When and what, not how much: amounts are settled in time order by the ledger, which knows the balances. */
export interface PlannedPosting {
  /** Event time (UTC millis). */
  at: number;
  /** Position in the produced stream: a few postings arrive late, as they do from real core systems. */
  producedAt: number;
  customer: number;
  kind: PostingKind;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Everyday activity, by share of the non-scheduled postings. */
const EVERYDAY_MIX: ReadonlyArray<readonly [PostingKind, number]> = [
  ['card', 62],
  ['atm', 8],
  ['transferOut', 9],
  ['investmentOut', 4],
  ['sameBankOut', 7],
  ['ownTransfer', 4],
  ['transferIn', 6],
];
/** Share of all postings that are large moves (the alert-raising part of the stream). */
const LARGE_MOVE_SHARE = 0.008;
/** Large moves stay older than the longest cooldown, so that the live phase's designed alerts are never muted. */
const LARGE_MOVE_QUIET_DAYS = 15;
const LATE_SHARE = 0.01;
const MAX_LATENESS_MS = 3 * HOUR_MS;

export interface Window {
  start: number;
  end: number;
}

/** Monthly income and interest postings, everyday activity to fill `total`, and a few large moves. */
export function planPostings(random: Random, customers: readonly CustomerPlan[], window: Window, total: number): PlannedPosting[] {
  const postings: PlannedPosting[] = [];
  const add = (customer: number, at: number, kind: PostingKind) => {
    if (at < window.start || at > window.end) return;
    const late = random() < LATE_SHARE ? between(random, 0, MAX_LATENESS_MS) : 0;
    postings.push({ at: Math.round(at), producedAt: at + late, customer, kind });
  };

  for (const month of monthsOf(window)) {
    for (const plan of customers) {
      if (plan.income !== null) {
        const day = Math.min(plan.income.dayOfMonth, month.days);
        add(plan.index, month.start + (day - 1) * DAY_MS + 5 * HOUR_MS + between(random, 0, 2 * HOUR_MS), 'income');
      }
      if (plan.savingsAccount !== null) add(plan.index, month.start + (month.days - 1) * DAY_MS + 21 * HOUR_MS, 'interest');
    }
  }

  const largeMoves = Math.round(total * LARGE_MOVE_SHARE);
  const quietFrom = window.end - LARGE_MOVE_QUIET_DAYS * DAY_MS;
  for (let move = 0; move < largeMoves; move += 1) {
    const customer = Math.floor(random() * customers.length);
    add(customer, between(random, window.start, quietFrom), random() < 0.6 ? 'largeOut' : 'largeIn');
  }

  const everyday = Math.max(0, total - postings.length);
  const weightTotal = customers.reduce((sum, plan) => sum + plan.activity, 0);
  const windowDays = Math.floor((window.end - window.start) / DAY_MS);
  for (const plan of customers) {
    // stochastic rounding keeps the total on target without favouring anyone
    const count = Math.floor((everyday * plan.activity) / weightTotal + random());
    for (let posting = 0; posting < count; posting += 1) {
      const day = window.start + Math.floor(random() * windowDays) * DAY_MS;
      // 07:00-22:00 in Prague is roughly 06:00-21:00 UTC
      add(plan.index, startOfUtcDay(day) + 6 * HOUR_MS + between(random, 0, 15 * HOUR_MS), weighted(random, EVERYDAY_MIX));
    }
  }
  return postings.sort((left, right) => left.producedAt - right.producedAt);
}

const startOfUtcDay = (instant: number) => Math.floor(instant / DAY_MS) * DAY_MS;

function monthsOf(window: Window): Array<{ start: number; days: number }> {
  const months: Array<{ start: number; days: number }> = [];
  const first = new Date(window.start);
  let year = first.getUTCFullYear();
  let month = first.getUTCMonth();
  for (;;) {
    const start = Date.UTC(year, month, 1);
    if (start > window.end) return months;
    months.push({ start, days: new Date(Date.UTC(year, month + 1, 0)).getUTCDate() });
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
  }
}
