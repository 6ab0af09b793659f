import type { CounterpartyKind, Direction, Transaction } from '../domain/transaction.ts';
import { counterpartyKinds } from '../domain/transaction.ts';
import type { BusinessCalendar } from './calendar.ts';
import { addToSeries, closeOn, closesInto, daySeriesOf, daysWithFlowOf, flowOver, largestFlowOn, lowestIn, sumOfCloses, sustainedPeakIn } from './day-series.ts';
import type { DaySeries } from './day-series.ts';
import { CUSTOMER_INITIATED_COUNT, bucketSum, dropDaysBefore, flowCode, flowMask, irregularInflowMask, netFlowOf, sumOverMask } from './flows.ts';
import type { Rules } from './rules.ts';
import { forgetSeenBefore, hasSeen, rememberSeen, transactionFingerprint } from './seen-transactions.ts';
import type { CustomerState } from './state.ts';

const CUSTOMER_INITIATED_MASK = 1 << CUSTOMER_INITIATED_COUNT;

/** The longest window any feature looks back over (days, today included). */
export const RETAINED_DAYS = 90;
export const WINDOWS = [1, 7, 30, 90] as const;
export type WindowDays = (typeof WINDOWS)[number];

/** Where a record sits in its input: applying a record at or below the state's applied offset changes nothing. */
export interface Position {
  partition: number;
  offset: number;
}

export type ApplyOutcome = 'applied' | 'already_applied' | 'duplicate' | 'too_late';

export function newCustomerState(customerId: string, partition: number, firstSeenAt: number): CustomerState {
  return {
    v: 1,
    customerId,
    rev: 0,
    partition,
    appliedOffset: -1,
    seenTransactions: [],
    firstSeenAt,
    streamTime: firstSeenAt,
    lastActivityAt: null,
    accounts: {},
    balanceMismatches: 0,
    days: [],
    dormancy: { since: firstSeenAt, stage: 0 },
    cooldowns: {},
    evaluatedDay: 0,
    upgradeTold: null,
    downgradeTold: null,
    churn: null,
    rfm: null,
    regularIncome: null,
    lastInvestmentAt: null,
    watchUntil: null,
    suppressed: {},
    products: { applied: null, maturities: [] },
    outbox: [],
  };
}

/**
 * A state a product event made before any transaction arrived (core/products.ts): tidewatch has seen none of the
 * customer's accounts, so nothing judges its balances or its silence until a transaction does.
 */
export const hasNoLedger = (state: CustomerState): boolean => state.appliedOffset < 0 && Object.keys(state.accounts).length === 0;

/**
 * The state a transaction lands in: a new one, or one made by a product event, whose ledger and clock start with
 * this transaction as a new customer's would (its product memory, outbox and cooldowns stay).
 */
export function stateForTransaction(state: CustomerState | undefined, customerId: string, partition: number, eventTime: number): CustomerState {
  if (state === undefined) return newCustomerState(customerId, partition, eventTime);
  if (hasNoLedger(state)) Object.assign(state, { partition, firstSeenAt: eventTime, streamTime: eventTime, dormancy: { since: eventTime, stage: 0 } });
  return state;
}

/**
 * Folds one transaction into the customer's features, by event time. Mutates `state` (the caller's private copy).
 * - Idempotent: a record at or below the applied offset of its partition, or a transaction id seen within the
 *   lateness window (a duplicate delivered at another offset, see seen-transactions.ts), leaves the features as they are.
 * - Late events within the allowed lateness land on their own business day; later ones are refused ('too_late')
 *   so that the caller can dead-letter them instead of counting them in the wrong window.
 * - Balances follow the posting with the latest event time: a late posting's balance is older news.
 */
export function applyTransaction(state: CustomerState, transaction: Transaction, position: Position, rules: Rules, calendar: BusinessCalendar): ApplyOutcome {
  if (position.partition === state.partition && position.offset <= state.appliedOffset) return 'already_applied';
  state.partition = position.partition;
  state.appliedOffset = position.offset;
  const fingerprint = transactionFingerprint(transaction.transactionId);
  if (hasSeen(state.seenTransactions, fingerprint)) return 'duplicate';

  const day = calendar.dayOf(transaction.eventTime);
  if (state.days.length > 0 || Object.keys(state.accounts).length > 0) {
    if (day < calendar.dayOf(state.streamTime) - rules.allowedLatenessDays) return 'too_late';
  }
  rememberSeen(state.seenTransactions, day, fingerprint);

  // the day's other postings first: a stamp may have been taken before or after any of them
  const sameDayMoney = grossFlowOn(state.days, day);
  noteOpened(state, transaction, day, calendar.dayOf(state.firstSeenAt));
  moveBalance(state, transaction, sameDayMoney);
  if (transaction.amountMinor > 0) addToSeries(state.days, day, flowCode(transaction.direction, transaction.counterpartyKind, transaction.category), transaction.amountMinor);
  if (transaction.direction === 'CREDIT' && (transaction.category === 'SALARY' || transaction.category === 'PENSION')) {
    state.regularIncome = nextIncomeRhythm(state.regularIncome, day);
  }
  if (transaction.category === 'INVESTMENT_SUBSCRIPTION' || transaction.category === 'INVESTMENT_REDEMPTION') {
    state.lastInvestmentAt = Math.max(state.lastInvestmentAt ?? transaction.eventTime, transaction.eventTime);
  }
  if (transaction.initiatedBy === 'CUSTOMER') {
    addToSeries(state.days, day, CUSTOMER_INITIATED_COUNT, 1);
    state.lastActivityAt = Math.max(state.lastActivityAt ?? transaction.eventTime, transaction.eventTime);
  }
  state.firstSeenAt = Math.min(state.firstSeenAt, transaction.eventTime);
  state.streamTime = Math.max(state.streamTime, transaction.eventTime);
  const oldestKept = retainedFrom(state, calendar);
  dropDaysBefore(state.days, oldestKept);
  forgetOpenedBefore(state, oldestKept);
  forgetSeenBefore(state.seenTransactions, calendar.dayOf(state.streamTime) - rules.allowedLatenessDays);
  return 'applied';
}

/**
 * The first business day kept in the flow buckets: RETAINED_DAYS back from the customer's clock, or from the oldest
 * day whose tier decisions still wait for the household (core/household.ts), so that the day, judged late, reads the
 * same days as on time.
 */
function retainedFrom(state: CustomerState, calendar: BusinessCalendar): number {
  const streamDay = calendar.dayOf(state.streamTime);
  const waiting = state.tiersPending?.[0];
  return (waiting === undefined ? streamDay : Math.min(streamDay, waiting)) - (RETAINED_DAYS - 1);
}

/**
 * Remembers an account first seen after the customer's first day (its first day and its opening balance), and moves
 * an account's first day back for a late posting: the series as of an earlier day leaves such an account out.
 */
function noteOpened(state: CustomerState, transaction: Transaction, day: number, firstDay: number): void {
  const opened = state.accountsOpened?.[transaction.accountId];
  if (opened !== undefined) {
    if (day < opened[0]) opened[0] = day;
    return;
  }
  if (state.accounts[transaction.accountId] !== undefined || day <= firstDay) return;
  const signed = transaction.direction === 'CREDIT' ? transaction.amountMinor : -transaction.amountMinor;
  state.accountsOpened = { ...state.accountsOpened, [transaction.accountId]: [day, transaction.balanceAfterMinor - signed] };
}

/** Accounts first seen before the oldest day kept: no series the state can still give reads a day before them. */
function forgetOpenedBefore(state: CustomerState, oldestDay: number): void {
  if (state.accountsOpened === undefined) return;
  const kept = Object.entries(state.accountsOpened).filter(([, [firstDay]]) => firstDay >= oldestDay);
  if (kept.length === 0) delete state.accountsOpened;
  else if (kept.length < Object.keys(state.accountsOpened).length) state.accountsOpened = Object.fromEntries(kept);
}

/** The sum of the accounts' balances (in their order: the same sum as ever), without an array or a closure per read. */
function totalBalanceOf(state: CustomerState): number {
  let sum = 0;
  for (const accountId in state.accounts) sum += state.accounts[accountId]![0];
  return sum;
}

/**
 * The openings of the accounts first seen after `day`: the daily series walked back from today's balances carries
 * each of them back to the days before its first posting, where the customer as of `day` had not shown it.
 */
function openingsAfter(state: CustomerState, day: number): number {
  const opened = state.accountsOpened;
  let sum = 0;
  if (opened === undefined) return sum;
  for (const accountId in opened) {
    const [firstDay, opening] = opened[accountId]!;
    if (firstDay > day) sum += opening;
  }
  return sum;
}

/**
 * The account's balance after the posting: the first posting's stamp opens it, every posting then moves it by its
 * amount, whatever order postings arrive in. A stamp that disagrees with that by more than the day's other postings
 * could explain (the bank may have stamped them in another order within the day) is counted, not believed: a core
 * system stamping out of time order, or a day stale.
 */
function moveBalance(state: CustomerState, transaction: Transaction, sameDayMoney: number): void {
  const account = state.accounts[transaction.accountId];
  if (account === undefined) {
    state.accounts[transaction.accountId] = [transaction.balanceAfterMinor, transaction.eventTime];
    return;
  }
  const balance = account[0] + (transaction.direction === 'CREDIT' ? transaction.amountMinor : -transaction.amountMinor);
  let offset = account[2] ?? 0;
  // only a posting at or after every other one seen can be checked: a late one's stamp is of an earlier moment; a
  // disagreement that stays the same (the bank's stamps off by a fixed amount from then on) is counted once
  const gap = transaction.balanceAfterMinor - balance;
  if (transaction.eventTime >= account[1]) {
    const disagrees = Math.abs(gap) > sameDayMoney;
    if (disagrees && gap !== offset) state.balanceMismatches += 1;
    offset = disagrees ? gap : 0;
  }
  // moved in place: a new tuple per posting outlived the young generation in the state
  account[0] = balance;
  account[1] = Math.max(account[1], transaction.eventTime);
  if (offset !== 0) account[2] = offset;
  else if (account.length > 2) account.length = 2;
}

/** Money moved in and out on a day so far (own-account moves included), as a bound on intra-day stamp order. */
function grossFlowOn(days: readonly number[][], day: number): number {
  // days are in order: stop at the first older one (the first posting of a new day would otherwise read them all)
  let index = days.length - 1;
  while (index >= 0 && days[index]![0]! > day) index -= 1;
  const bucket = days[index];
  if (bucket === undefined || bucket[0] !== day) return 0;
  let gross = 0;
  for (let slot = 1; slot < bucket.length; slot += 2) if (bucket[slot] !== CUSTOMER_INITIATED_COUNT) gross += bucket[slot + 1]!;
  return gross;
}

/** Below this many days since the last income, a salary or pension credit belongs to the same pay period. */
const INCOME_PERIOD_MIN_DAYS = 10;
/** Beyond this many days the rhythm is broken and starts again. */
const INCOME_PERIOD_MAX_DAYS = 45;

/**
 * Income 10 to 45 days after the last one extends the streak (semi-monthly and fortnightly pay count as a rhythm, as
 * monthly pay does); an extra within days (a bonus, a split payment) leaves it; a longer gap restarts it.
 */
function nextIncomeRhythm(rhythm: [number, number] | null, day: number): [number, number] {
  if (rhythm === null) return [day, 1];
  const [lastDay, streak] = rhythm;
  const gap = day - lastDay;
  if (gap < 0) return rhythm; // a late posting of an earlier income
  if (gap < INCOME_PERIOD_MIN_DAYS) return [day, streak];
  return gap <= INCOME_PERIOD_MAX_DAYS ? [day, streak + 1] : [day, 1];
}

/**
 * Read-only features of one customer as of a business day. Daily closing balances are derived, not stored: the
 * total relationship balance now (opening stamps plus flows) minus the net flow of every later day, so that a late
 * posting corrects the past days it belongs to. Days before the first posting carry the opening balance back.
 */
/**
 * Features that will be read at many windows and earlier days (a day-close evaluation): closes and flows come from
 * the customer's day series (core/day-series.ts), derived once and shared by every read of the evaluation. They
 * are the customer as of `asOfDay`, whatever the state has seen since: an account first seen after it is left out of
 * every close (the walk back from today's balances would carry its opening balance back), so a day judged late (a
 * tier decision waiting for the household) or a household member read by another customer reads as on time.
 */
export function seriesFeatures(state: CustomerState, asOfDay: number, calendar: BusinessCalendar): CustomerFeatures {
  return new CustomerFeatures(state, asOfDay, calendar, {}, asOfDay);
}

/** Features reading the day series hold it once looked up (and every earlier day's features share it). */
interface SharedSeries {
  series?: DaySeries;
}

/**
 * The closes of one window, read from the series of one evaluation (`owner`: the features sharing it), in a buffer
 * reused from evaluation to evaluation: a day close reads its sustained peak and two lows over the same 90 days, and
 * a close does not depend on the day it is read as of. Read synchronously: the next evaluation's read replaces it.
 */
const windowCloses = { owner: undefined as SharedSeries | undefined, from: 0, to: -1, values: new Float64Array(128) };

export class CustomerFeatures {
  readonly totalBalance: number;
  /** Present when the closes and flows are read from the day series (seriesFeatures); absent: each read walks its window. */
  private readonly shared: SharedSeries | undefined;
  /** Where the walk back over the closes starts: the total balance, less the accounts first seen after `knownAsOf`. */
  private readonly walkFrom: number;

  constructor(
    readonly state: CustomerState,
    readonly asOfDay: number,
    private readonly calendar: BusinessCalendar,
    shared?: SharedSeries,
    /** The day the customer is seen as of (seriesFeatures): accounts first seen after it are not in the closes. */
    private readonly knownAsOf?: number,
    /**
     * Features of the same state and knownAsOf whose totalBalance and walkFrom these take over (at(): the hold days
     * re-read them for every day; handed over as the object, not a new pair per day).
     */
    balancesOf?: CustomerFeatures,
  ) {
    this.totalBalance = balancesOf?.totalBalance ?? totalBalanceOf(state);
    this.walkFrom = balancesOf?.walkFrom ?? (knownAsOf === undefined ? this.totalBalance : this.totalBalance - openingsAfter(state, knownAsOf));
    this.shared = shared;
  }

  /** Whether the customer was seen from the first day of the window ending at asOfDay: a usual measured over it is theirs. */
  covers(windowDays: number): boolean {
    return this.calendar.dayOf(this.state.firstSeenAt) <= this.asOfDay - (windowDays - 1);
  }

  /** The same customer's features as of another day, sharing the series already looked up (a close does not depend on the day it is read as of). */
  at(day: number): CustomerFeatures {
    return new CustomerFeatures(this.state, day, this.calendar, this.shared, this.knownAsOf, this);
  }

  /** Walks daily closes from asOfDay back to fromDay (inclusive), newest first. */
  private walkCloses(fromDay: number, visit: (day: number, close: number) => void, asOfDay = this.asOfDay): void {
    const days = this.state.days;
    let index = days.length - 1;
    let close = this.walkFrom;
    while (index >= 0 && days[index]![0]! > asOfDay) {
      close -= netFlowOf(days[index]!);
      index -= 1;
    }
    for (let day = asOfDay; day >= fromDay; day -= 1) {
      visit(day, close);
      if (index >= 0 && days[index]![0] === day) {
        close -= netFlowOf(days[index]!);
        index -= 1;
      }
    }
  }

  /** The day series, when these features read from it. */
  private series(): DaySeries | undefined {
    if (this.shared === undefined) return undefined;
    this.shared.series ??= daySeriesOf(this.state.days, this.walkFrom);
    return this.shared.series;
  }

  /** Sum of the codes in `mask` over fromDay..toDay (inclusive). */
  private sumFlows(mask: number, fromDay: number, toDay: number): number {
    const series = this.series();
    return series === undefined ? sumOverMask(this.state.days, fromDay, toDay, mask) : flowOver(series, mask, fromDay, toDay);
  }

  /** Average of the daily closing balances of the last `windowDays` days (today's close is the balance so far). */
  averageDailyBalance(windowDays: number): number {
    return this.averageFrom(this.asOfDay - windowDays + 1);
  }

  averageMonthToDate(): number {
    return this.averageFrom(this.calendar.monthStartOf(this.asOfDay));
  }

  private averageFrom(fromDay: number): number {
    const count = this.asOfDay - fromDay + 1;
    const series = this.series();
    if (series !== undefined) return Math.round(sumOfCloses(series, fromDay, this.asOfDay) / count);
    let sum = 0;
    this.walkCloses(fromDay, (_, close) => {
      sum += close;
    });
    return Math.round(sum / count);
  }

  /**
   * Where the close of `fromDay` sits in windowCloses.values, read for fromDay..toDay unless this evaluation's read
   * already holds them.
   */
  private closesOver(series: DaySeries, fromDay: number, toDay: number): number {
    const held = windowCloses;
    if (held.owner !== this.shared || fromDay < held.from || toDay > held.to) {
      const length = toDay - fromDay + 1;
      if (held.values.length < length) held.values = new Float64Array(length);
      closesInto(series, fromDay, toDay, held.values);
      held.owner = this.shared;
      held.from = fromDay;
      held.to = toDay;
    }
    return fromDay - held.from;
  }

  /** Lowest daily close from fromDay to toDay (both inclusive). */
  lowestClose(fromDay: number, toDay: number): number {
    const series = this.series();
    let low = Number.POSITIVE_INFINITY;
    if (series !== undefined) {
      if (toDay < fromDay) return low;
      const at = this.closesOver(series, fromDay, toDay);
      return lowestIn(windowCloses.values, at, at + toDay - fromDay);
    }
    this.walkCloses(
      fromDay,
      (_, close) => {
        low = Math.min(low, close);
      },
      toDay,
    );
    return low;
  }

  /** Highest daily close over the last `windowDays` days. */
  peakBalance(windowDays = RETAINED_DAYS): number {
    const fromDay = this.asOfDay - windowDays + 1;
    const series = this.series();
    let peak = Number.NEGATIVE_INFINITY;
    if (series !== undefined) {
      for (let day = fromDay; day <= this.asOfDay; day += 1) peak = Math.max(peak, closeOn(series, day));
      return peak;
    }
    this.walkCloses(fromDay, (_, close) => {
      peak = Math.max(peak, close);
    });
    return peak;
  }

  /**
   * The highest balance held for `holdDays` days in a row over the window (the highest of each run's lowest close):
   * a credit that left again within the hold was never the customer's level.
   */
  sustainedPeak(windowDays: number, holdDays: number): number {
    let peak = Number.NEGATIVE_INFINITY;
    const fromDay = this.asOfDay - windowDays + 1;
    const series = holdDays >= 1 ? this.series() : undefined;
    // the same runs as the walk below, without a queue: the lowest close of each holdDays days in a row
    if (series !== undefined) {
      if (this.asOfDay < fromDay) return peak;
      const at = this.closesOver(series, fromDay, this.asOfDay);
      return sustainedPeakIn(windowCloses.values, at, at + this.asOfDay - fromDay, holdDays);
    }
    // the walk's queue and closure only on the path without a series (not once per close on the day-close path)
    const recent: number[] = [];
    this.walkCloses(fromDay, (_, close) => {
      recent.push(close);
      if (recent.length > holdDays) recent.shift();
      if (recent.length === holdDays) peak = Math.max(peak, Math.min(...recent));
    });
    return peak;
  }

  flow(direction: Direction, kinds: readonly CounterpartyKind[], windowDays: number): number {
    return this.flowOfMask(flowMask(direction, kinds), windowDays);
  }

  /** flow() of a flowMask the caller keeps (a day close reads a dozen: a lookup of the mask each was 1 % of a replay). */
  flowOfMask(mask: number, windowDays: number): number {
    return this.sumFlows(mask, this.asOfDay - windowDays + 1, this.asOfDay);
  }

  /** largestDailyFlow() of a flowMask the caller keeps. */
  largestDailyFlowOfMask(mask: number, windowDays: number): number {
    return this.largestDailySum(mask, windowDays);
  }

  /** The largest one-day sum of money moving in `direction` with these counterparties over the window. */
  largestDailyFlow(direction: Direction, kinds: readonly CounterpartyKind[], windowDays: number): number {
    return this.largestDailyFlowOfMask(flowMask(direction, kinds), windowDays);
  }

  /** The largest one-day sum of money in from these counterparties other than salary and pension over the window. */
  largestDailyIrregularInflow(kinds: readonly CounterpartyKind[], windowDays: number): number {
    return this.largestDailySum(irregularInflowMask(kinds), windowDays);
  }

  /**
   * The largest sum of money in from these counterparties (salary and pension apart) over `spanDays` days in a row,
   * among the spans that end on a day of the window: the customer's own largest transfer-in of that length.
   */
  largestSpanIrregularInflow(kinds: readonly CounterpartyKind[], windowDays: number, spanDays: number): number {
    const mask = irregularInflowMask(kinds);
    const fromDay = this.asOfDay - windowDays + 1;
    const daily = new Map<number, number>();
    for (const bucket of this.state.days) {
      if (bucket[0]! < fromDay - spanDays + 1 || bucket[0]! > this.asOfDay) continue;
      daily.set(bucket[0]!, bucketSum(bucket, mask));
    }
    let span = 0;
    let largest = 0;
    for (let day = fromDay - spanDays + 1; day <= this.asOfDay; day += 1) {
      span += (daily.get(day) ?? 0) - (daily.get(day - spanDays) ?? 0);
      if (day >= fromDay) largest = Math.max(largest, span);
    }
    return largest;
  }

  private largestDailySum(mask: number, windowDays: number): number {
    const fromDay = this.asOfDay - windowDays + 1;
    const series = this.series();
    // a day without postings sums to 0, which never beats the 0 to start from
    if (series !== undefined) return largestFlowOn(series, mask, fromDay, this.asOfDay);
    // one bucket per day with postings: a bucket's sum is that day's
    let largest = 0;
    for (const bucket of this.state.days) {
      if (bucket[0]! < fromDay || bucket[0]! > this.asOfDay) continue;
      largest = Math.max(largest, bucketSum(bucket, mask));
    }
    return largest;
  }

  /**
   * The largest amount that left in `direction` to these counterparties on one day of the window on which it was at
   * least `minShare` of that day's opening balance (the close of the day before): the customer's own largest move of
   * that much of what they held (0 when there was none).
   */
  largestMoveOfShare(direction: Direction, kinds: readonly CounterpartyKind[], windowDays: number, minShare: number): number {
    const mask = flowMask(direction, kinds);
    const fromDay = this.asOfDay - windowDays + 1;
    const opening = new Map<number, number>();
    this.walkCloses(fromDay - 1, (day, close) => opening.set(day + 1, close));
    let largest = 0;
    for (const bucket of this.state.days) {
      if (bucket[0]! < fromDay || bucket[0]! > this.asOfDay) continue;
      const moved = bucketSum(bucket, mask);
      if (moved > largest && moved >= minShare * Math.max(0, opening.get(bucket[0]!) ?? 0)) largest = moved;
    }
    return largest;
  }

  /**
   * Days from `fromDay` to `toDay` (both inclusive) on which at least `minAmount` moved in `direction` with these
   * counterparties: how often money went, which tells repeated transfers from one payment.
   */
  daysWithFlowAtLeast(direction: Direction, kinds: readonly CounterpartyKind[], fromDay: number, toDay: number, minAmount: number): number {
    return this.daysWithFlowOfMaskAtLeast(flowMask(direction, kinds), fromDay, toDay, minAmount);
  }

  /** daysWithFlowAtLeast() of a flowMask the caller keeps. */
  daysWithFlowOfMaskAtLeast(mask: number, fromDay: number, toDay: number, minAmount: number): number {
    // a day without postings sums to 0: it counts only when the bar is 0 or less, which the daily sums cannot tell
    const series = minAmount > 0 ? this.series() : undefined;
    if (series !== undefined) return daysWithFlowOf(series, mask, fromDay, toDay, minAmount);
    let count = 0;
    for (const bucket of this.state.days) {
      if (bucket[0]! < fromDay || bucket[0]! > toDay) continue;
      if (bucketSum(bucket, mask) >= minAmount) count += 1;
    }
    return count;
  }

  /** The closing balance of the features' own day (today's: the balance so far). */
  closingBalance(): number {
    return this.averageDailyBalance(1);
  }

  /** Money in from these counterparties other than salary and pension. */
  irregularInflow(kinds: readonly CounterpartyKind[], windowDays: number): number {
    return this.sumFlows(irregularInflowMask(kinds), this.asOfDay - windowDays + 1, this.asOfDay);
  }

  customerTransactions(windowDays: number): number {
    return this.sumFlows(CUSTOMER_INITIATED_MASK, this.asOfDay - windowDays + 1, this.asOfDay);
  }
}

export function featuresAsOf(state: CustomerState, instant: number, calendar: BusinessCalendar): CustomerFeatures {
  return new CustomerFeatures(state, calendar.dayOf(instant), calendar);
}

const REPORTED_KINDS = ['OTHER_BANK', 'INVESTMENT_PLATFORM', 'OWN_ACCOUNT', 'CASH'] as const satisfies readonly CounterpartyKind[];

function flowTable(features: CustomerFeatures, direction: Direction) {
  return Object.fromEntries(
    WINDOWS.map((window) => [
      `${window}d`,
      {
        total: features.flow(direction, counterpartyKinds, window),
        ...Object.fromEntries(REPORTED_KINDS.map((kind) => [kind, features.flow(direction, [kind], window)])),
      },
    ]),
  );
}

/** The features as other systems read them (GET /customers/:id/features), as of an instant. */
export function featureView(state: CustomerState, instant: number, calendar: BusinessCalendar, relationshipStartDay: number | null) {
  const features = featuresAsOf(state, instant, calendar);
  const peak = features.peakBalance();
  const tenureFrom = relationshipStartDay ?? calendar.dayOf(state.firstSeenAt);
  return {
    customerId: state.customerId,
    asOf: new Date(instant).toISOString(),
    businessDay: features.asOfDay,
    balances: Object.fromEntries(Object.entries(state.accounts).map(([account, [balance]]) => [account, balance])),
    totalBalanceMinor: features.totalBalance,
    averageDailyBalanceMinor: { last30Days: features.averageDailyBalance(30), monthToDate: features.averageMonthToDate() },
    peakBalance90DaysMinor: peak,
    inflowMinor: flowTable(features, 'CREDIT'),
    outflowMinor: flowTable(features, 'DEBIT'),
    customerInitiatedTransactions: Object.fromEntries(WINDOWS.map((window) => [`${window}d`, features.customerTransactions(window)])),
    lastCustomerActivityAt: state.lastActivityAt === null ? null : new Date(state.lastActivityAt).toISOString(),
    tenureDays: features.asOfDay - tenureFrom,
    dormancyStage: state.dormancy.since === (state.lastActivityAt ?? state.firstSeenAt) ? state.dormancy.stage : 0,
    lastEventTime: new Date(state.streamTime).toISOString(),
  };
}
