import type { CustomerProfile } from '../domain/profile.ts';
import type { Transaction } from '../domain/transaction.ts';
import type { DueTimer, LoadedCustomer, StateWrite, TimerChange } from '../state/store.ts';
import type { BusinessCalendar } from './calendar.ts';
import type { ChurnObservation } from './churn-features.ts';
import type { DetectionContext } from './detectors/context.ts';
import { isCompetitor } from './detectors/context.ts';
import { evaluateDayClose, judgeTiers } from './detectors/day-close.ts';
import { detectDormancy, silenceStartOf } from './detectors/dormancy.ts';
import { detectInflow } from './detectors/inflow.ts';
import type { CreditHistory } from './detectors/inflow.ts';
import { EXIT_DAYS, measure } from './detectors/measures.ts';
import { detectOutflow } from './detectors/outflow.ts';
import type { DebitHistory } from './detectors/outflow.ts';
import { mayRaiseFinding } from './detectors/screen.ts';
import type { Finding } from './findings.ts';
import { CustomerFeatures, RETAINED_DAYS, applyTransaction, hasNoLedger, stateForTransaction } from './features.ts';
import type { ApplyOutcome, Position } from './features.ts';
import { deferTiers, pendingDaysReady, settlePending, tiersMustWait } from './household.ts';
import type { HouseholdMember } from './household.ts';
import { dueMaturities } from './maturity.ts';
import { largestMonthOfShare } from './month-memory.ts';
import { dropEndedCooldowns, emissionsFor } from './policy.ts';
import type { Rules } from './rules.ts';
import type { CustomerState, Emission, OutboxEntry } from './state.ts';
import { nextWakeUp } from './wake-up.ts';
import { seriesKept } from './day-series.ts';
import { flowCode, isMonthlyRepeat, isStandingOrder } from './flows.ts';

/**
 * The pure core of a batch: (stored state, records, rules, time) → state writes, timer changes, records to
 * publish and records refused. No I/O: the service, the replay and the benchmark wire it to their own stores
 * and outputs. The loaded states are the caller's own copies (every store hands out fresh ones): the core
 * updates them in place and returns them as writes, rather than paying a deep copy per customer per batch.
 * The caller publishes the emissions only after the writes are stored, and commits its input position only after
 * publishing (README, "Delivery guarantees"). Every timer a record sets falls due on a later business day than
 * the record (a day's close, a dormancy stage, an overdue income, a maturity's notice window): the replay relies on
 * it to cut its batches.
 */
export interface CoreContext {
  rules: Rules;
  calendar: BusinessCalendar;
  unassignedQueue: string;
  /** Sees every churn assessment of a day close (tidewatch train); absent in the service. */
  observeChurn?: (observation: ChurnObservation) => void;
  /**
   * Household tier decisions of a day wait until every member's partition has passed it by this many days more, and
   * are looked at again only then (default 0: the service and the replays). `tidewatch rebuild` replays with a lag,
   * so that the days the live service may still have been waiting on at the loss are left waiting in the rebuilt
   * state, for the restarted service to judge and tell (core/household.ts).
   */
  householdLagDays?: number;
}

export interface TransactionRecord {
  transaction: Transaction;
  position: Position;
}

export type RejectionReason = 'too_late' | 'unsupported_currency';

export interface Rejection {
  record: TransactionRecord;
  reason: RejectionReason;
  detail: string;
}

export interface BatchInput {
  /** The input partition of every record in the batch, and the offset the batch starts at. */
  partition: number;
  firstOffset: number;
  /** The timer set of the partition (timers follow partition ownership). */
  timerScope: string;
  /** Processing time, stamped on new alerts. */
  detectedAt: number;
}

export type OutcomeCounts = Record<ApplyOutcome | 'unsupported_currency', number>;

export interface TransactionBatchResult {
  /** Stored first: the new features, with the batch's alerts in the outbox. */
  writes: StateWrite[];
  /**
   * Stored once the emissions are published: the same states with their outbox emptied, so that alerts do not
   * weigh on Redis after delivery. If this write is lost, the outbox entries are dropped by the next batch.
   */
  settle: StateWrite[];
  timers: TimerChange[];
  /** In input order; re-deliveries of stored alerts included. */
  emissions: Emission[];
  rejected: Rejection[];
  outcomes: OutcomeCounts;
  /** Applied postings whose stamped balance disagreed with the flows (a data-quality count; they still count by amount). */
  balanceMismatches: number;
}

export function processTransactions(
  loaded: ReadonlyMap<string, LoadedCustomer>,
  records: readonly TransactionRecord[],
  batch: BatchInput,
  context: CoreContext,
): TransactionBatchResult {
  const byCustomer = new Map<string, TransactionRecord[]>();
  for (const record of records) {
    const list = byCustomer.get(record.transaction.customerId);
    if (list === undefined) byCustomer.set(record.transaction.customerId, [record]);
    else list.push(record);
  }
  const result: TransactionBatchResult = {
    writes: [],
    settle: [],
    timers: [],
    emissions: [],
    rejected: [],
    outcomes: { applied: 0, already_applied: 0, duplicate: 0, too_late: 0, unsupported_currency: 0 },
    balanceMismatches: 0,
  };
  const ordered: Array<{ offset: number; emissions: Emission[] }> = [];
  for (const [customerId, customerRecords] of byCustomer) {
    const stored = loaded.get(customerId);
    const state = processCustomer(customerId, stored, customerRecords, batch, context, result, ordered);
    if (state === undefined) continue;
    state.rev = (stored?.rev ?? 0) + 1;
    result.writes.push({ customerId, expectedRev: stored?.rev ?? 0, state });
    if (state.outbox.some((entry) => entry.cause.kind === 'offset')) {
      const settled: CustomerState = { ...state, outbox: state.outbox.filter((entry) => entry.cause.kind !== 'offset'), rev: state.rev + 1 };
      result.settle.push({ customerId, expectedRev: state.rev, state: settled });
    }
    result.timers.push({ scope: batch.timerScope, customerId, due: timerDue(state, stored?.profile, context) });
  }
  ordered.sort((left, right) => left.offset - right.offset);
  result.emissions = ordered.flatMap((entry) => entry.emissions);
  return result;
}

/**
 * The customer's timer after a transaction batch: while a fired timer's alerts are still in the outbox (a crash
 * before its settle), the timer stays where it was, so that the next sweep re-sends them and settles; moving it on
 * here would leave those alerts undelivered for good.
 */
export function timerDue(state: CustomerState, profile: CustomerProfile | undefined, context: CoreContext): number | null {
  const owed = state.outbox.find((entry) => entry.cause.kind === 'timer');
  return owed?.cause.kind === 'timer' ? owed.cause.due : nextWakeUp(state, profile, context.rules, context.calendar, context.householdLagDays);
}

/** The detection context of a customer as of an instant: tier from the profile, lower thresholds while on watch. */
function detectionContextOf(state: CustomerState | undefined, profile: CustomerProfile | undefined, context: CoreContext, instant: number): DetectionContext {
  const { rules } = context;
  const watching = state?.watchUntil != null && instant < state.watchUntil;
  const detection: DetectionContext = { rules, tier: profile?.servedTier ?? null, thresholdFactorBp: watching ? rules.rmChange.thresholdFactorBp : 10_000 };
  if (context.observeChurn !== undefined) detection.observer = context.observeChurn;
  return detection;
}

/** Applies one customer's records; answers the new state, or undefined when nothing changed. */
function processCustomer(
  customerId: string,
  stored: LoadedCustomer | undefined,
  records: readonly TransactionRecord[],
  batch: BatchInput,
  context: CoreContext,
  result: TransactionBatchResult,
  ordered: Array<{ offset: number; emissions: Emission[] }>,
): CustomerState | undefined {
  const { rules, calendar } = context;
  const profile = stored?.profile;
  const policy = { rules, profile, unassignedQueue: context.unassignedQueue, detectedAt: batch.detectedAt };
  let state = stored?.state;
  let changed = false;
  const mismatchesBefore = state?.balanceMismatches ?? 0;
  let pendingLooked = false;
  // (an empty outbox, most customers' at most batches, is kept rather than replaced by a new empty array)
  if (state !== undefined && state.partition === batch.partition && state.outbox.length > 0) {
    // every batch before this one was published before its offsets were committed: its alerts are delivered
    state.outbox = state.outbox.filter((entry) => entry.cause.kind !== 'offset' || entry.cause.offset >= batch.firstOffset);
  }
  for (const record of records) {
    const { transaction, position } = record;
    state = stateForTransaction(state, customerId, position.partition, transaction.eventTime);
    if (position.partition === state.partition && position.offset <= state.appliedOffset) {
      result.outcomes.already_applied += 1;
      const stillOwed = state.outbox.filter((entry) => entry.cause.kind === 'offset' && entry.cause.offset === position.offset);
      for (const entry of stillOwed) ordered.push({ offset: position.offset, emissions: entry.emissions });
      continue;
    }
    changed = true;
    if (transaction.currency !== rules.currency) {
      state.partition = position.partition;
      state.appliedOffset = position.offset;
      result.outcomes.unsupported_currency += 1;
      const detail = `currency ${transaction.currency} is not the rules' currency ${rules.currency}; tidewatch does not convert`;
      result.rejected.push({ record, reason: 'unsupported_currency', detail });
      continue;
    }
    const streamDay = calendar.dayOf(state.streamTime);
    const eventDay = calendar.dayOf(transaction.eventTime);
    // days whose tiers waited for the household's other members, once their partitions have passed them
    const closing = pendingLooked ? [] : judgePendingTiers(state, profile, detectionContextOf(state, profile, context, transaction.eventTime), context, stored?.household).findings;
    pendingLooked = true;
    if (eventDay > streamDay && state.evaluatedDay < eventDay - 1) {
      // the first event of a new day: judge the close of the day before it (tiers, churn score, RFM, idle funds)
      closing.push(...closeDay(state, profile, eventDay - 1, detectionContextOf(state, profile, context, transaction.eventTime), context, stored?.household));
    }
    if (closing.length > 0) {
      const emissions = emissionsFor(state, closing, policy);
      if (emissions.length > 0) {
        state.outbox.push({ cause: { kind: 'offset', offset: position.offset }, emissions });
        ordered.push({ offset: position.offset, emissions });
      }
    }
    const detection = detectionContextOf(state, profile, context, transaction.eventTime);
    const asOfDay = Math.max(streamDay, eventDay);
    const detecting = mayRaiseFinding(transaction, detection);
    const stateBefore = detecting ? withOpeningBalance(state, transaction) : state;
    // the measures read the day series when it is kept (core/day-series.ts), not walks of the buckets
    const series = seriesKept(state.days) ? {} : undefined;
    const before = detecting ? measure(new CustomerFeatures(stateBefore, asOfDay, calendar, series), rules) : undefined;
    const credit = detecting && transaction.direction === 'CREDIT';
    const toCompetitor = detecting && transaction.direction === 'DEBIT' && isCompetitor(detection, transaction.counterpartyKind);
    // a customer known for less than a month has no normal for a jump or an exit to break
    const noBaseline = (credit || toCompetitor) && calendar.dayOf(state.firstSeenAt) > eventDay - BASELINE_DAYS;
    // asked only of an exit by the money, after the debit is applied: the days before the exit window are the same
    const debitHistory: DebitHistory | null = toCompetitor
      ? {
          largestMove: (minShare) => debitHistoryOf(stateBefore, eventDay, calendar, rules, minShare),
          paidMonthly: () => isStandingOrder(stateBefore.days, eventDay, flowCode('DEBIT', transaction.counterpartyKind), transaction.amountMinor),
          noBaseline,
        }
      : null;
    const history: CreditHistory = {
      monthlyRepeat: credit && isMonthlyRepeat(state.days, eventDay, flowCode('CREDIT', transaction.counterpartyKind, transaction.category), transaction.amountMinor),
      noBaseline: credit && noBaseline,
      ...(credit ? moneyInBefore(() => new CustomerFeatures(stateBefore, eventDay - 1, calendar), rules) : {}),
    };
    const outcome = applyTransaction(state, transaction, position, rules, calendar);
    result.outcomes[outcome] += 1;
    if (outcome === 'too_late') {
      const detail = `event time ${new Date(transaction.eventTime).toISOString()} is more than ${rules.allowedLatenessDays} days behind the customer's latest (${new Date(state.streamTime).toISOString()})`;
      result.rejected.push({ record, reason: 'too_late', detail });
      continue;
    }
    if (outcome !== 'applied') continue;
    // a tier decision still waiting for the household is judged against the cooldowns of its own day
    dropEndedCooldowns(state, state.tiersPending?.[0] === undefined ? state.streamTime : Math.min(state.streamTime, calendar.startOf(state.tiersPending[0])));
    if (before === undefined) continue;
    const after = measure(new CustomerFeatures(state, asOfDay, calendar, seriesKept(state.days) ? {} : undefined), rules);
    const findings = [...detectOutflow(transaction, before, after, detection, debitHistory), ...detectInflow(transaction, before, after, detection, history)];
    if (findings.length === 0) continue;
    if (findings.some(isExitFinding)) openChurnEpisodeOnExit(state, calendar.dayOf(transaction.eventTime), before.averageDailyBalance30);
    const emissions = emissionsFor(state, findings, policy);
    if (emissions.length === 0) continue;
    state.outbox.push({ cause: { kind: 'offset', offset: position.offset }, emissions });
    ordered.push({ offset: position.offset, emissions });
  }
  if (state !== undefined) result.balanceMismatches += state.balanceMismatches - mismatchesBefore;
  return changed ? state : undefined;
}

/**
 * The customer's own history before the exit window of a debit to a competitor on `eventDay`, for judging it: the
 * retained days (features as of the window's day before) and the remembered months beyond them.
 */
function debitHistoryOf(stateBefore: CustomerState, eventDay: number, calendar: BusinessCalendar, rules: Rules, minShare: number): number {
  const windowStart = eventDay - EXIT_DAYS;
  const retained = new CustomerFeatures(stateBefore, windowStart, calendar).largestMoveOfShare('DEBIT', rules.competitorKinds, RETAINED_DAYS - EXIT_DAYS, minShare);
  return Math.max(retained, largestMonthOfShare(stateBefore, windowStart + 1, minShare));
}

/**
 * The customer's money in before the day of a credit, looked up (features built) only when the credit is large enough
 * to be a jump (after it is applied: the days before it are the same).
 */
function moneyInBefore(before: () => CustomerFeatures, rules: Rules): Pick<CreditHistory, 'largestDayBefore' | 'largestWindowBefore'> {
  const { windowDays, kinds } = rules.largeInflow.cumulative;
  return {
    largestDayBefore: () => before().largestDailyIrregularInflow(rules.largeInflow.countedKinds, RETAINED_DAYS - 1),
    largestWindowBefore: () => before().largestSpanIrregularInflow(kinds, RETAINED_DAYS - windowDays, windowDays),
  };
}

/** A customer known for less than this has no normal balance for a jump, or an exit, to be judged against. */
const BASELINE_DAYS = 30;

/** An exit the RM is told of: the one raw outflow kind that reaches the RM queue (detectors/outflow.ts). */
const isExitFinding = (finding: Finding) => finding.kind === 'LARGE_OUTFLOW' && finding.feeds.includes('rm');

/**
 * The exit is the churn signal: it opens the customer's churn episode (or closes its escalations), so the RM is not
 * told the same story again as CHURN_RISK at the next day close, nor as dormancy when the customer then falls silent.
 * The episode remembers the customer's normal before the exit (the 30-day average balance): it ends when the money
 * is back against that, not once the emptied account has become the new normal.
 */
function openChurnEpisodeOnExit(state: CustomerState, day: number, normalBefore: number): void {
  state.churn = { since: state.churn?.since ?? day, toldScore: 100, toldLevel: 'URGENT', exit: true, exitFrom: normalBefore };
}


/**
 * The close of `day`: every day-level detector, the tier decisions deferred when the household's other members have
 * not all passed the day (core/household.ts; judgePendingTiers judges them later, as of the day).
 */
function closeDay(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  day: number,
  detection: DetectionContext,
  context: CoreContext,
  household: readonly HouseholdMember[] | undefined,
): Finding[] {
  const wait = tiersMustWait(state, profile, day, household, context.rules, context.householdLagDays);
  const findings = evaluateDayClose(state, profile, day, detection, context.calendar, household, wait ? 'defer' : 'judge');
  if (wait) deferTiers(state, day);
  return findings;
}

/** The tier decisions of the days that waited for the household and whose members have now all passed them. */
function judgePendingTiers(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  detection: DetectionContext,
  context: CoreContext,
  household: readonly HouseholdMember[] | undefined,
): { findings: Finding[]; judged: number } {
  const ready = pendingDaysReady(state, household, context.householdLagDays);
  if (ready.length === 0) return { findings: [], judged: 0 };
  const findings = ready.flatMap((day) => judgeTiers(state, profile, day, detection, context.calendar, household));
  settlePending(state, ready.length);
  return { findings, judged: ready.length };
}

/**
 * The state as it stood just before the transaction, for the detectors' "before" measures. An account seen for the
 * first time already held the balance its posting started from: without it, the first credit seen for a customer
 * who has long banked here would look like a jump from nothing.
 */
function withOpeningBalance(state: CustomerState, transaction: Transaction): CustomerState {
  if (state.accounts[transaction.accountId] !== undefined) return state;
  const signed = transaction.direction === 'CREDIT' ? transaction.amountMinor : -transaction.amountMinor;
  const opening: [number, number] = [transaction.balanceAfterMinor - signed, transaction.eventTime];
  return { ...state, accounts: { ...state.accounts, [transaction.accountId]: opening } };
}

export interface TimerInput {
  timerScope: string;
  /** The time the timers are judged against (wall clock when the partition is caught up, else its stream time). */
  now: number;
  detectedAt: number;
}

export interface TimerBatchResult {
  /** Stored first: the new dormancy stage with its alerts in the outbox. */
  writes: StateWrite[];
  emissions: Emission[];
  /** Stored after publishing: the outbox emptied and each timer moved to its next due time (or cancelled). */
  settle: { writes: StateWrite[]; timers: TimerChange[] };
}

const isTimerEntry = (entry: OutboxEntry): boolean => entry.cause.kind === 'timer';

/**
 * Due timers of one partition. A timer is a wake-up hint; the state decides. Alerts computed for a due timer are
 * kept in the outbox until the timer has moved on, so that a crash before that re-sends the very same alerts.
 */
export function processTimers(
  loaded: ReadonlyMap<string, LoadedCustomer>,
  dueTimers: readonly DueTimer[],
  input: TimerInput,
  context: CoreContext,
): TimerBatchResult {
  const { rules, calendar } = context;
  const result: TimerBatchResult = { writes: [], emissions: [], settle: { writes: [], timers: [] } };
  for (const timer of dueTimers) {
    const stored = loaded.get(timer.customerId);
    if (stored?.state === undefined) {
      result.settle.timers.push({ scope: input.timerScope, customerId: timer.customerId, due: null });
      continue;
    }
    const state = stored.state;
    let rev = stored.rev;
    const owed = state.outbox.filter((entry) => entry.cause.kind === 'timer' && entry.cause.due === timer.due);
    if (owed.length > 0) {
      result.emissions.push(...owed.flatMap((entry) => entry.emissions));
    } else {
      const profile = stored.profile;
      const detection = detectionContextOf(state, profile, context, input.now);
      const findings: Finding[] = [];
      const pending = judgePendingTiers(state, profile, detection, context, stored.household);
      findings.push(...pending.findings);
      const closedDay = calendar.dayOf(input.now) - 1;
      const closeDue =
        closedDay > state.evaluatedDay && closedDay >= calendar.dayOf(state.streamTime) && profile?.status !== 'CLOSED' && !hasNoLedger(state);
      if (closeDue) findings.push(...closeDay(state, profile, closedDay, detection, context, stored.household));
      // after the day close: a churn episode it opened already told the RM what the silence means
      const silence = detectDormancy(state, profile, input.now, detection, calendar);
      if (silence !== undefined) {
        state.dormancy = { since: silenceStartOf(state), stage: silence.stage };
        findings.push(silence.finding);
      }
      // a maturity whose notice window has opened, with no event needed
      const maturing = dueMaturities(state, profile, input.now, detection, calendar);
      findings.push(...maturing.findings);
      const emissions = emissionsFor(state, findings, { rules, profile, unassignedQueue: context.unassignedQueue, detectedAt: input.detectedAt });
      if (silence !== undefined || closeDue || maturing.changed || pending.judged > 0) {
        // most closes tell nothing to a customer owing nothing: the empty outbox stays as it is
        if (emissions.length > 0 || state.outbox.length > 0) {
          state.outbox = [...state.outbox.filter((entry) => !isTimerEntry(entry)), ...(emissions.length > 0 ? [{ cause: { kind: 'timer' as const, due: timer.due }, emissions }] : [])];
        }
        rev += 1;
        // written as updated in place (as processTransactions does): a copy per fired timer outlived the young
        // generation in the store, and was most of what a replay's scavenges copied
        state.rev = rev;
        result.writes.push({ customerId: timer.customerId, expectedRev: stored.rev, state });
        result.emissions.push(...emissions);
      }
    }
    if (state.outbox.some(isTimerEntry)) {
      const settled: CustomerState = { ...state, outbox: state.outbox.filter((entry) => !isTimerEntry(entry)), rev: rev + 1 };
      result.settle.writes.push({ customerId: timer.customerId, expectedRev: rev, state: settled });
    }
    const next = nextWakeUp(state, stored.profile, rules, calendar, context.householdLagDays);
    // a day still waiting for the household: looked at again at the next sweep, not in this one
    result.settle.timers.push({ scope: input.timerScope, customerId: timer.customerId, due: next === null ? null : Math.max(next, input.now + 1) });
  }
  return result;
}
