import type { CounterpartyKind } from '../domain/transaction.ts';
import type { CustomerFeatures } from './features.ts';
import { RETAINED_DAYS } from './features.ts';
import type { CustomerState } from './state.ts';

/**
 * A memory of the customer's months beyond the 90 retained days of flows: for each 30-day block of a fixed grid
 * (block k holds the days 30k to 30k + 29), its average balance and what went to competitors. A leak that the salary
 * keeps refilling becomes, within 90 days, the customer's "usual"; only the months before it show that it is new.
 */
export const MONTH_DAYS = 30;
/** Six months: three inside the retained days, three beyond them. */
export const REMEMBERED_MONTHS = 6;

/** One remembered block: its last day, its average daily balance and its outflow to competitors (minor units). */
export interface RememberedMonth {
  endDay: number;
  averageBalance: number;
  toCompetitors: number;
}

const FIELDS = 3;

export function rememberedMonths(state: CustomerState): RememberedMonth[] {
  const flat = state.months ?? [];
  const months: RememberedMonth[] = [];
  for (let index = 0; index + FIELDS <= flat.length; index += FIELDS) months.push({ endDay: flat[index]!, averageBalance: flat[index + 1]!, toCompetitors: flat[index + 2]! });
  return months;
}

/**
 * Records every block completed by `features.asOfDay` that is not remembered yet and still lies whole within the
 * retained days (and after the customer's first day), then forgets blocks older than REMEMBERED_MONTHS. A block is
 * measured once, at the first close after it ended: a replay and the service record the same values.
 */
export function rememberMonths(state: CustomerState, features: CustomerFeatures, competitors: readonly CounterpartyKind[]): void {
  const day = features.asOfDay;
  // block k ends on day 30k + 29; the first block whose days are all still retained starts on or after day - 89
  const lastComplete = Math.floor((day - (MONTH_DAYS - 1)) / MONTH_DAYS);
  const firstRetained = Math.ceil((day - (RETAINED_DAYS - 1)) / MONTH_DAYS);
  const flat = state.months ?? [];
  const lastRemembered = flat.length >= FIELDS ? flat[flat.length - FIELDS]! : Number.NEGATIVE_INFINITY;
  const oldestKeptEnd = (lastComplete - REMEMBERED_MONTHS + 1) * MONTH_DAYS + MONTH_DAYS - 1;
  // most closes fall inside a block already remembered: nothing to measure, nothing to forget, nothing to copy
  const lastCompleteEnd = lastComplete * MONTH_DAYS + MONTH_DAYS - 1;
  const nothingToForget = flat.length === 0 || flat[0]! >= oldestKeptEnd;
  if (lastCompleteEnd <= lastRemembered && nothingToForget) return;
  // nothing new to measure either (a customer not seen for a whole block yet: every close of their first weeks):
  // what follows would store the same months again, or delete an absent array
  if (nothingToForget && (flat.length > 0 || state.months === undefined) && !hasBlockToRemember(features, firstRetained, lastComplete, lastRemembered)) return;
  const months = rememberedMonths(state);
  for (let block = firstRetained; block <= lastComplete; block += 1) {
    const end = block * MONTH_DAYS + MONTH_DAYS - 1;
    const then = features.at(end);
    if (end <= lastRemembered || !then.covers(MONTH_DAYS)) continue;
    months.push({ endDay: end, averageBalance: then.averageDailyBalance(MONTH_DAYS), toCompetitors: then.flow('DEBIT', competitors, MONTH_DAYS) });
  }
  const kept = months.filter((month) => month.endDay >= oldestKeptEnd);
  if (kept.length === 0) {
    delete state.months;
    return;
  }
  state.months = kept.flatMap((month) => [month.endDay, month.averageBalance, month.toCompetitors]);
}

/** Whether a block of firstBlock..lastBlock ends after `lastRemembered` and lies within the customer's days: one to measure. */
function hasBlockToRemember(features: CustomerFeatures, firstBlock: number, lastBlock: number, lastRemembered: number): boolean {
  for (let block = firstBlock; block <= lastBlock; block += 1) {
    const end = block * MONTH_DAYS + MONTH_DAYS - 1;
    if (end > lastRemembered && features.at(end).covers(MONTH_DAYS)) return true;
  }
  return false;
}

/** A month counts as above the customer's earlier rate from twice that rate, and from this share of the balance then. */
const ABOVE_TIMES = 2;
const ABOVE_SHARE = 0.05;
/**
 * A customer who already sent competitors this share of their balance every month runs money through the account (a
 * multi-banker's main account elsewhere, a business's turnover): more of it is their business, not a new leak.
 */
const THROUGH_ACCOUNT_SHARE = 0.25;

/** The latest run of months above the customer's earlier rate to competitors, with the rates behind it. */
export interface CompetitorRun {
  months: number;
  /** What went to competitors per month in the run, and per month before it (minor units). */
  perMonth: number;
  perMonthBefore: number;
}

/**
 * The longest run of the latest consecutive remembered months in which the customer sent competitors at least twice
 * their rate of the months before the run (and at least 5% of the balance they held then): a transfer that buys
 * something is one month; moving the relationship away repeats month after month. A run needs a rate before it under a
 * quarter of the balance (THROUGH_ACCOUNT_SHARE), and a balance that did not grow through it: the last month's average
 * no higher than the average of the months before the run (what leaves for good is not made up). Null without at
 * least one month before the run to compare with.
 */
export function competitorRun(state: CustomerState): CompetitorRun | null {
  // read on the flat memory in place, [last day, average balance, to competitors] per month (every day close asks; the
  // months, slices and sums as objects cost more than the answer): the months from the last gap on (a month never
  // measured breaks a run)
  const flat = state.months ?? [];
  const count = Math.floor(flat.length / FIELDS);
  let from = count - 1;
  while (from > 0 && flat[(from - 1) * FIELDS] === flat[from * FIELDS]! - MONTH_DAYS) from -= 1;
  from = Math.max(0, from);
  if (count - from < 2) return null;
  let best: CompetitorRun = { months: 0, perMonth: 0, perMonthBefore: 0 };
  for (let start = count - 1; start >= from + 1; start -= 1) {
    // the months before the run (from..start - 1) and the run (start..count - 1), summed in order
    let sentBefore = 0;
    let heldBefore = 0;
    for (let month = from; month < start; month += 1) {
      sentBefore += flat[month * FIELDS + 2]!;
      heldBefore += flat[month * FIELDS + 1]!;
    }
    const rateBefore = sentBefore / (start - from);
    const balanceBefore = heldBefore / (start - from);
    const floor = Math.max(ABOVE_TIMES * rateBefore, ABOVE_SHARE * balanceBefore);
    if (balanceBefore <= 0 || rateBefore > THROUGH_ACCOUNT_SHARE * balanceBefore) continue;
    let sentInRun = 0;
    let above = true;
    for (let month = start; month < count && above; month += 1) {
      above = flat[month * FIELDS + 2]! >= floor;
      sentInRun += flat[month * FIELDS + 2]!;
    }
    // a run the customer's money made up for (the last month held more than the months before the run) is spending
    // paid from a larger income, a new standing order after a raise: not money moving away
    const madeUp = flat[(count - 1) * FIELDS + 1]! > balanceBefore;
    if (above && !madeUp) best = { months: count - start, perMonth: Math.round(sentInRun / (count - start)), perMonthBefore: Math.round(rateBefore) };
  }
  return best;
}

/** What the customer sent competitors in the remembered months that ended before a day: how many, and the largest. */
export interface CompetitorMonthsBefore {
  months: number;
  largest: number;
}

/**
 * The remembered months that ended before `beforeDay` (up to five of the six kept), and the most the customer sent
 * competitors in one of them: their own range, against which a new rate shows.
 */
export function competitorMonthsBefore(state: CustomerState, beforeDay: number): CompetitorMonthsBefore {
  const flat = state.months ?? [];
  let months = 0;
  for (let index = 0; index + FIELDS <= flat.length; index += FIELDS) if (flat[index]! < beforeDay) months += 1;
  // every month sends at least no share of what was held: the largest of them all
  return { months, largest: largestMonthOfShare(state, beforeDay, 0) };
}

/**
 * The largest outflow to competitors of a remembered month that ended before `beforeDay` and sent at least `minShare`
 * of what the customer then held (the month's average balance plus what left: the money was there before it went);
 * 0 when none did. It lets an exit be judged against the customer's own moves beyond the 90 retained days: a
 * multi-banker who moved two thirds of what they held to their other bank for a month, half a year ago, and came back,
 * is not leaving by doing it again. (A move the customer came back from within days leaves the month's average near
 * what was held and does not count: measured on generated banks, counting it cost a tenth of the sudden exits.)
 */
export function largestMonthOfShare(state: CustomerState, beforeDay: number, minShare: number): number {
  const flat = state.months ?? [];
  let largest = 0;
  for (let index = 0; index + FIELDS <= flat.length; index += FIELDS) {
    // read in place, as competitorRun does: no array per month (a downgrade check may ask at every close near a floor)
    const toCompetitors = flat[index + 2]!;
    if (flat[index]! >= beforeDay || toCompetitors <= largest) continue;
    if (toCompetitors >= minShare * (Math.max(0, flat[index + 1]!) + toCompetitors)) largest = toCompetitors;
  }
  return largest;
}
