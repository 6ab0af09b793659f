import type { CounterpartyKind } from '../domain/transaction.ts';
import type { BusinessCalendar } from './calendar.ts';
import type { CustomerFeatures } from './features.ts';
import { flowMask } from './flows.ts';
import { competitorMonthsBefore, competitorRun } from './month-memory.ts';
import type { CompetitorMonthsBefore, CompetitorRun } from './month-memory.ts';
import type { CustomerState } from './state.ts';

/**
 * The churn score's inputs: each a ratio of the customer against their own normal, so the same scorecard judges a
 * 15,000 CNY saver and a 2M CNY private client alike, in any currency. "Normal" is the 60 days before the last 30
 * (the retained 90 days of flows), or the customer's own rhythm (income, activity gaps). A feature is null when it
 * cannot be measured yet (no baseline): the scorecard gives it its own "missing" points.
 */
export const churnFeatureNames = [
  /** Today's close against the average close of the 60 days before the last 30. */
  'closeVsNormal',
  /**
   * How far today's close is below the customer's usual low (the mean of the lowest close of each of the two 30-day
   * spans before the last 30), as a share of the 90-day peak (the highest balance held three days in a row), 0-1. A
   * customer who spends most of each month's income touches that low before every payday: only a balance below
   * where it usually bottoms out says the money is going, and the peak keeps it scale-free.
   */
  'fallBelowUsualLow',
  /** Outflow to competitors over the last 30 days, as a share of the 90-day average balance. */
  'competitorOutflowShare',
  /** Outflow to competitors over the last 30 days against the customer's usual per 30 days. */
  'competitorOutflowVsUsual',
  /**
   * Days with a transfer to competitors (at least 4% of the 90-day average balance) in the last 30 days, beyond the
   * customer's usual number per 30 days: repeated transfers move a relationship, one payment buys something.
   */
  'competitorTransfersAboveUsual',
  /** The largest single day of money leaving (competitors, cash, payments) in the last 30 days, as a share of the 90-day average balance: one-off or exit. */
  'largestOutflowShare',
  /** Net flow of the last 30 days as a share of the 90-day average balance (negative: draining). */
  'netFlowShare',
  /**
   * Money in over the last 45 days (own accounts apart) against the 45 days before: a monthly income that comes a
   * few days late still falls in the window, so its rhythm is not read as money stopping.
   */
  'inflowVsUsual',
  /** Customer-initiated transactions over the last 30 days against the usual per 30 days. */
  'activityVsUsual',
  /** Everyday spending (payments, card, cash, people) over the last 30 days against the usual per 30 days. */
  'spendVsUsual',
  /** Days since the regular salary or pension last came, in months (1 ≈ on time); null without a regular income. */
  'incomeOverdue',
  /** Days without customer-initiated activity against the customer's usual gap between such transactions. */
  'silenceVsUsual',
  /**
   * The part of a two-month fall of the balance that went to competitors in repeated transfers beyond the customer's
   * usual, as a share of the balance before (0-1): a leak that the salary keeps refilling drains the account month
   * by month while no 30-day window looks unusual against a normal the leak itself has already lowered. The largest
   * day is left out (one payment buys something), and so is twice the rate sent before (a standing order to the
   * customer's other bank is their normal).
   */
  'drainToCompetitors',
  /**
   * Months in a row (of the last six remembered, core/month-memory.ts) in which the customer sent competitors at
   * least twice their rate of the months before, while the balance did not grow: a leak the salary refills is the
   * customer's "usual" within 90 days, but not against the months before it began. One month buys something; moving
   * away repeats, and is not made up.
   */
  'competitorMonthsAboveBefore',
  /**
   * What the customer usually sends competitors per 30 days (the 60 days before the last 30), as a share of the 90-day
   * average balance: a customer whose money runs through the account to their other bank every month moves a lot
   * to competitors as their normal, so a rise in it says less (the scorecard's points are negative).
   */
  'competitorTurnover',
  /**
   * Outflow to competitors over the last 30 days, its largest day left out, against the most the customer sent them in
   * one of the remembered months before those 30 days (core/month-memory.ts): a multi-banker's busy month within their
   * own range of the half year says little (under 1: negative points), a rate beyond every month before says the money
   * has started to move. The largest day is left out because one payment buys something: moving away repeats. A range
   * under what counts as a transfer (TRANSFER_SHARE of the 90-day average balance) is taken as that much: a small new
   * standing order is no new rate. Null with fewer than two such months (no range yet), or when nothing went beyond
   * the largest day: sending nothing more says nothing of staying (a salary moved to the other bank stops the
   * transfers to it). Read over the last 60 days as well (per 30 days, against the months before those 60), and the
   * larger reading counts: a leak in monthly chunks puts one chunk in each 30 days, where it is the largest day and
   * left out, and its first month is already in the range the next is judged against; over two months the second
   * chunk shows against the months before the leak.
   */
  'competitorOutflowVsLargestMonth',
] as const;

export type ChurnFeatureName = (typeof churnFeatureNames)[number];
export type ChurnFeatureVector = Record<ChurnFeatureName, number | null>;

/** One day close's churn assessment, as an observer (the trainer) sees it. */
export interface ChurnObservation {
  customerId: string;
  day: number;
  vector: ChurnFeatureVector;
  score: number;
}

/** Where money goes when it leaves for another provider (fixed: the score's meaning must not vary with a bank's rules). */
export const COMPETITORS: readonly CounterpartyKind[] = ['OTHER_BANK', 'INVESTMENT_PLATFORM'];
/** Money that leaves the relationship: everything but moves between the customer's own accounts. */
const LEAVING: readonly CounterpartyKind[] = ['OTHER_BANK', 'INVESTMENT_PLATFORM', 'CASH', 'SAME_BANK_CUSTOMER', 'NONE'];
const EVERYDAY: readonly CounterpartyKind[] = ['NONE', 'CASH', 'SAME_BANK_CUSTOMER'];
const EXTERNAL_IN: readonly CounterpartyKind[] = ['OTHER_BANK', 'INVESTMENT_PLATFORM', 'CASH', 'SAME_BANK_CUSTOMER', 'NONE'];
/** Their flow masks, looked up once (measureChurn reads them at every close). */
const TO_COMPETITORS = flowMask('DEBIT', COMPETITORS);
const LEAVING_OUT = flowMask('DEBIT', LEAVING);
const EVERYDAY_OUT = flowMask('DEBIT', EVERYDAY);
const EXTERNAL_MONEY_IN = flowMask('CREDIT', EXTERNAL_IN);

const RECENT_DAYS = 30;
const HISTORY_DAYS = 90;
/** The drain is measured over the last 60 days against the 30 before them (the oldest third of the history). */
const DRAIN_DAYS = 60;
const DRAIN_BEFORE_DAYS = HISTORY_DAYS - DRAIN_DAYS;
/** What was sent to competitors before counts twice: a leak is well above the customer's old rate, not on it. */
const DRAIN_USUAL_TIMES = 2;
/** Money in is compared over halves of the history: long enough to hold a monthly income's jitter. */
export const INFLOW_DAYS = HISTORY_DAYS / 2;
const BASELINE_DAYS = HISTORY_DAYS - RECENT_DAYS;
/** A usual amount this small against the balance is "none": a ratio against it would be noise. */
const NEGLIGIBLE_SHARE = 0.01;
/** Ratios are capped so that one extreme customer cannot stretch a bin. */
const RATIO_CAP = 20;
/** A regular income counts after two monthly arrivals in a row; it is forgotten half a year after it stopped. */
const INCOME_REMEMBERED_DAYS = 180;
const MONTH_DAYS = 30;
const PEAK_HOLD_DAYS = 3;
/** A customer's own range of monthly outflow to competitors needs at least this many remembered months. */
const RANGE_MONTHS = 2;
/** A transfer to a competitor counts towards repetition from this share of the 90-day average balance. */
const TRANSFER_SHARE = 0.04;

const cap = (value: number) => Math.max(-RATIO_CAP, Math.min(RATIO_CAP, value));
const round4 = (value: number) => Math.round(value * 10_000) / 10_000;
const rounded = (value: number | null): number | null => (value === null ? null : round4(value));

/** recent against usual (both per 30 days): null without a usual level worth comparing with. */
function versusUsual(recent: number, usualPer30: number, floor: number): number | null {
  if (usualPer30 <= 0 || usualPer30 < floor) return recent > 0 && floor > 0 ? cap(recent / floor) : null;
  return cap(recent / usualPer30);
}

/** The usual per 30 days of a sum over the history: what the days before the recent ones moved, scaled. */
const perRecent = (recent: number, whole: number): number => Math.round(((whole - recent) * RECENT_DAYS) / BASELINE_DAYS);

/**
 * How far the monthly average balance fell over the last two months when it fell in both (0 otherwise): a drain goes
 * one way, while a balance that swings with large transfers in and out has a lower month now and then.
 */
const steadyFall = (m: ChurnMeasurements): number => (m.averageBefore > m.averageBetween && m.averageBetween > m.average30 ? m.averageBefore - m.average30 : 0);

/** The amounts and counts behind the features, for the reasons an RM reads (money in minor units). */
export interface ChurnMeasurements {
  close: number;
  normal: number;
  /** The highest balance held three days in a row over 90 days (null: not seen that long, as usualLow). */
  peak: number | null;
  /** The mean of the lowest close of each 30-day span of the 60 days before the last 30 (null: not seen that long). */
  usualLow: number | null;
  average90: number;
  competitorRecent: number;
  competitorUsual: number;
  competitorTransfersRecent: number;
  competitorTransfersUsual: number;
  largestOutflow: number;
  netFlow: number;
  inflowRecent: number;
  inflowUsual: number;
  activityRecent: number;
  activityUsual: number;
  spendRecent: number;
  spendUsual: number;
  /** Days since the regular income last came (null: none seen). */
  incomeSilentDays: number | null;
  /** Days since the last customer-initiated transaction (null: never). */
  silentDays: number | null;
  usualGapDays: number;
  /** Average balance of the 30 days before the last 60 (the level the drain is measured from). */
  averageBefore: number;
  /** Average balance of the 30 days before the last 30. */
  averageBetween: number;
  /** Average balance of the last 30 days. */
  average30: number;
  /** Sent to competitors in the last 60 days beyond twice the rate before and the largest day (0 or more). */
  competitorExcess: number;
  /** The latest run of remembered months above the earlier rate to competitors (null: too few months remembered). */
  competitorRun: CompetitorRun | null;
  /** The reading behind competitorOutflowVsLargestMonth: of the last 30 and the last 60 days, the one that gave more. */
  competitorBeyondRange: CompetitorBeyondRange;
}

/** Outflow to competitors over a window beyond its largest day, per 30 days, and the customer's range before the window. */
export interface CompetitorBeyondRange {
  /** The window: 30 or 60 days up to the day. */
  days: number;
  /** Sent to competitors in the window beyond its largest day, per 30 days (minor units). */
  perMonth: number;
  /** The remembered months that ended before the window, and the most sent to competitors in one of them. */
  before: CompetitorMonthsBefore;
}

/**
 * The customer's churn features as of the features' day, with the measurements behind them. Pure: the same state
 * and day always give the same vector (values rounded to 4 decimals so that a replay and the service agree).
 */
export function measureChurn(state: CustomerState, features: CustomerFeatures, calendar: BusinessCalendar): { vector: ChurnFeatureVector; measured: ChurnMeasurements } {
  const day = features.asOfDay;
  const hasHistory = features.covers(HISTORY_DAYS);
  const average90 = features.averageDailyBalance(HISTORY_DAYS);
  const average30 = features.averageDailyBalance(RECENT_DAYS);
  const normal = Math.round((average90 * HISTORY_DAYS - average30 * RECENT_DAYS) / BASELINE_DAYS);
  const close = features.closingBalance();
  // a one-day spike is not a peak the customer fell from: the peak must have held for a few days; read only beside the
  // usual low, which needs the whole history (a new customer's closes skip the walk)
  const peak = hasHistory ? features.sustainedPeak(HISTORY_DAYS, PEAK_HOLD_DAYS) : null;
  const scale = Math.max(average90, 0);
  const usualLow = hasHistory ? Math.round((features.lowestClose(day - 89, day - 60) + features.lowestClose(day - 59, day - 30)) / 2) : null;

  const competitorRecent = features.flowOfMask(TO_COMPETITORS, RECENT_DAYS);
  const inflowRecent = features.flowOfMask(EXTERNAL_MONEY_IN, INFLOW_DAYS);
  const spendRecent = features.flowOfMask(EVERYDAY_OUT, RECENT_DAYS);
  const activityRecent = features.customerTransactions(RECENT_DAYS);
  const activity90 = features.customerTransactions(HISTORY_DAYS);
  const lastActivityDay = state.lastActivityAt === null ? null : calendar.dayOf(state.lastActivityAt);
  const income = state.regularIncome;
  const average60 = features.averageDailyBalance(DRAIN_DAYS);
  const competitor60 = features.flowOfMask(TO_COMPETITORS, DRAIN_DAYS);
  const competitor90 = features.flowOfMask(TO_COMPETITORS, HISTORY_DAYS);
  const competitorBefore = competitor90 - competitor60;
  // flows are sums of positive amounts: a window that sent competitors nothing has no day that did (most customers'
  // closes), so its day-by-day walks are skipped
  const competitor60BeyondLargestDay = competitor60 === 0 ? 0 : competitor60 - features.largestDailyFlowOfMask(TO_COMPETITORS, DRAIN_DAYS);
  const competitorExcess = Math.max(0, competitor60BeyondLargestDay - (DRAIN_USUAL_TIMES * competitorBefore * DRAIN_DAYS) / DRAIN_BEFORE_DAYS);
  // a balance of nothing gives no floor: any transfer would count
  const transferFloor = Math.max(1, Math.round(TRANSFER_SHARE * scale));
  const vsRange = largerReading(
    // nothing sent: nothing beyond the largest day either, without the 30-day walk (most closes of most customers)
    { days: RECENT_DAYS, perMonth: competitorRecent === 0 ? 0 : competitorRecent - features.largestDailyFlowOfMask(TO_COMPETITORS, RECENT_DAYS), before: competitorMonthsBefore(state, day - RECENT_DAYS + 1) },
    { days: DRAIN_DAYS, perMonth: Math.round((competitor60BeyondLargestDay * RECENT_DAYS) / DRAIN_DAYS), before: competitorMonthsBefore(state, day - DRAIN_DAYS + 1) },
    TRANSFER_SHARE * scale,
  );
  const measured: ChurnMeasurements = {
    close,
    normal,
    peak,
    usualLow,
    average90,
    competitorRecent,
    competitorUsual: perRecent(competitorRecent, competitor90),
    competitorTransfersRecent: competitorRecent === 0 ? 0 : features.daysWithFlowOfMaskAtLeast(TO_COMPETITORS, day - RECENT_DAYS + 1, day, transferFloor),
    competitorTransfersUsual:
      competitor90 === competitorRecent ? 0 : (features.daysWithFlowOfMaskAtLeast(TO_COMPETITORS, day - HISTORY_DAYS + 1, day - RECENT_DAYS, transferFloor) * RECENT_DAYS) / BASELINE_DAYS,
    largestOutflow: features.largestDailyFlowOfMask(LEAVING_OUT, RECENT_DAYS),
    netFlow: features.flowOfMask(EXTERNAL_MONEY_IN, RECENT_DAYS) - features.flowOfMask(LEAVING_OUT, RECENT_DAYS),
    inflowRecent,
    inflowUsual: features.flowOfMask(EXTERNAL_MONEY_IN, HISTORY_DAYS) - inflowRecent,
    activityRecent,
    activityUsual: ((activity90 - activityRecent) * RECENT_DAYS) / BASELINE_DAYS,
    spendRecent,
    spendUsual: perRecent(spendRecent, features.flowOfMask(EVERYDAY_OUT, HISTORY_DAYS)),
    incomeSilentDays: income === null ? null : day - income[0],
    silentDays: lastActivityDay === null ? null : day - lastActivityDay,
    usualGapDays: HISTORY_DAYS / Math.max(activity90, 1),
    averageBefore: Math.round((average90 * HISTORY_DAYS - average60 * DRAIN_DAYS) / DRAIN_BEFORE_DAYS),
    averageBetween: Math.round((average60 * DRAIN_DAYS - average30 * RECENT_DAYS) / (DRAIN_DAYS - RECENT_DAYS)),
    average30,
    competitorExcess: Math.round(competitorExcess),
    competitorRun: competitorRun(state),
    competitorBeyondRange: vsRange.reading,
  };
  const m = measured;
  // each value rounded as it is made (a loop over the names after, by key, cost more than the rounding)
  const vector: ChurnFeatureVector = {
    closeVsNormal: rounded(hasHistory && m.normal > 0 ? cap(m.close / m.normal) : null),
    fallBelowUsualLow: rounded(m.usualLow !== null && m.peak !== null && m.peak > 0 ? Math.max(0, Math.min(1, (Math.min(Math.max(m.usualLow, 0), m.peak) - m.close) / m.peak)) : null),
    competitorOutflowShare: rounded(scale > 0 ? cap(m.competitorRecent / scale) : null),
    competitorOutflowVsUsual: rounded(hasHistory ? versusUsual(m.competitorRecent, m.competitorUsual, NEGLIGIBLE_SHARE * scale) : null),
    competitorTransfersAboveUsual: rounded(hasHistory && scale > 0 ? m.competitorTransfersRecent - m.competitorTransfersUsual : null),
    largestOutflowShare: rounded(scale > 0 ? cap(m.largestOutflow / scale) : null),
    netFlowShare: rounded(scale > 0 ? cap(m.netFlow / scale) : null),
    inflowVsUsual: rounded(hasHistory ? versusUsual(m.inflowRecent, m.inflowUsual, 0) : null),
    activityVsUsual: rounded(hasHistory && m.activityUsual >= 1 ? cap(m.activityRecent / m.activityUsual) : null),
    spendVsUsual: rounded(hasHistory ? versusUsual(m.spendRecent, m.spendUsual, 0) : null),
    incomeOverdue: rounded(income !== null && income[1] >= 2 && m.incomeSilentDays !== null && m.incomeSilentDays <= INCOME_REMEMBERED_DAYS ? m.incomeSilentDays / MONTH_DAYS : null),
    silenceVsUsual: rounded(m.silentDays === null ? null : cap(m.silentDays / m.usualGapDays)),
    drainToCompetitors: rounded(hasHistory && m.averageBefore > 0 ? Math.min(m.competitorExcess, steadyFall(m)) / m.averageBefore : null),
    competitorMonthsAboveBefore: rounded(m.competitorRun?.months ?? null),
    competitorTurnover: rounded(hasHistory && scale > 0 ? cap(m.competitorUsual / scale) : null),
    competitorOutflowVsLargestMonth: rounded(vsRange.value),
  };
  return { vector, measured };
}

/** A reading against the customer's range: null with fewer than RANGE_MONTHS months before its window, or nothing beyond its largest day. */
function valueAgainstRange(reading: CompetitorBeyondRange, floor: number): number | null {
  return reading.before.months >= RANGE_MONTHS && reading.perMonth > 0 ? versusUsual(reading.perMonth, reading.before.largest, floor) : null;
}

/** Of two readings, the one with the larger value and that value (the first when neither has one, or on a tie). */
function largerReading(first: CompetitorBeyondRange, second: CompetitorBeyondRange, floor: number): { reading: CompetitorBeyondRange; value: number | null } {
  const firstValue = valueAgainstRange(first, floor);
  const secondValue = valueAgainstRange(second, floor);
  return secondValue !== null && (firstValue === null || secondValue > firstValue) ? { reading: second, value: secondValue } : { reading: first, value: firstValue };
}

export function churnFeaturesOf(state: CustomerState, features: CustomerFeatures, calendar: BusinessCalendar): ChurnFeatureVector {
  return measureChurn(state, features, calendar).vector;
}
