import type { CustomerProfile } from '../domain/profile.ts';
import type { BusinessCalendar } from './calendar.ts';
import { RETAINED_DAYS, seriesFeatures } from './features.ts';
import type { CustomerFeatures } from './features.ts';
import type { Rules } from './rules.ts';
import type { CustomerState } from './state.ts';
import { periodAverage } from './tiers.ts';

/**
 * Another member of a customer's household as a batch reads it: its state (undefined before its first transaction)
 * and its profile, which still names the household. Members usually sit on other input partitions, which may be
 * behind or ahead of the customer's: `passedDay` is the last business day the member's partition has passed (its
 * watermark), so the core judges a household's tiers of a day only once every member is complete up to it, and then
 * as of that day, whatever the members did since (README, "Household tiers").
 */
export interface HouseholdMember {
  customerId: string;
  state: CustomerState | undefined;
  profile: CustomerProfile;
  /** The member's partition's watermark; undefined when the caller tracks none (its data counts as complete). */
  passedDay?: number;
}

/**
 * Pending days kept at most: a member whose partition never moves must not grow the state without bound. As many
 * as the flow window holds days: a member's partition may lag by weeks (a backlog consumed partition by partition,
 * a long outage), and a day dropped here is a decision never judged (its alert moved to a later day).
 */
export const MAX_TIERS_PENDING = RETAINED_DAYS;

/**
 * Every member that may count toward the household's sum is complete up to `day`. A member without a state yet
 * counts too (its first records may still be on their way): its `passedDay` is the slowest partition's.
 */
export const membersPassed = (members: readonly HouseholdMember[], day: number): boolean =>
  members.every((member) => member.profile.status === 'CLOSED' || member.passedDay === undefined || member.passedDay >= day);

/**
 * Whether the tier decisions of `day` must wait for the household: the rules have a household floor, the customer is
 * in a household whose other members were read, and some member's partition has not passed the day yet (by `lagDays`
 * more: CoreContext.householdLagDays), or an earlier day still waits (days are judged in order: the upgrade told is
 * remembered from one day to the next).
 */
export function tiersMustWait(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  day: number,
  members: readonly HouseholdMember[] | undefined,
  rules: Rules,
  lagDays = 0,
): boolean {
  if (!hasHouseholdRule(rules) || profile?.householdId == null) return false;
  if ((state.tiersPending?.length ?? 0) > 0) return true;
  return members !== undefined && !membersPassed(members, day + lagDays);
}

/** The pending days whose members have all passed them (by `lagDays` more), oldest first (a day still waiting holds the later ones). */
export function pendingDaysReady(state: CustomerState, members: readonly HouseholdMember[] | undefined, lagDays = 0): number[] {
  if (members === undefined) return [];
  const ready: number[] = [];
  for (const day of state.tiersPending ?? []) {
    if (!membersPassed(members, day + lagDays)) break;
    ready.push(day);
  }
  return ready;
}

/** Records `day` as waiting for the household (the oldest dropped beyond MAX_TIERS_PENDING). */
export function deferTiers(state: CustomerState, day: number): void {
  state.tiersPending = [...(state.tiersPending ?? []), day].slice(-MAX_TIERS_PENDING);
}

/** Forgets the days just judged. */
export function settlePending(state: CustomerState, judged: number): void {
  const rest = (state.tiersPending ?? []).slice(judged);
  if (rest.length > 0) state.tiersPending = rest;
  else delete state.tiersPending;
}

/** A household's combined features as of any day: the customer's own plus every other member's. */
export interface HouseholdFeatures {
  /** Members counted, the customer included. */
  readonly members: number;
  /** The sum of the members' period averages (the tier rule's average) as of `day`. */
  averageAt(day: number): number;
  /** The sum of the members' closing balances of `day`. */
  closingAt(day: number): number;
}

/** True when some tier of the rules lets a household qualify together. */
export const hasHouseholdRule = (rules: Rules): boolean => rules.tiers.levels.some((level) => level.householdMinAverageMinor !== null);

/**
 * The household the customer's tier is judged with, or null when the rules have no household floor or no other
 * member has any money history yet (a household of one is the customer alone).
 */
export function householdFeatures(
  own: CustomerFeatures,
  members: readonly HouseholdMember[] | undefined,
  rules: Rules,
  calendar: BusinessCalendar,
): HouseholdFeatures | null {
  if (members === undefined || !hasHouseholdRule(rules)) return null;
  // a member first seen after the judged day is not in it (as in the replay, where it has no state yet then)
  const all = [own];
  for (const member of members) {
    if (member.state === undefined || member.profile.status === 'CLOSED' || calendar.dayOf(member.state.firstSeenAt) > own.asOfDay) continue;
    all.push(seriesFeatures(member.state, own.asOfDay, calendar));
  }
  return all.length === 1 ? null : new MemberSums(all, rules);
}

/**
 * HouseholdFeatures as the sums of its members' features: a class and loops, not closures (tsx names every closure
 * made, a defineProperty each, and a reduce callback was one per hold day of every close).
 */
class MemberSums implements HouseholdFeatures {
  readonly members: number;

  constructor(
    private readonly all: readonly CustomerFeatures[],
    private readonly rules: Rules,
  ) {
    this.members = all.length;
  }

  averageAt(day: number): number {
    let sum = 0;
    for (const features of this.all) sum += periodAverage(features.at(day), this.rules);
    return sum;
  }

  closingAt(day: number): number {
    let sum = 0;
    for (const features of this.all) sum += features.at(day).closingBalance();
    return sum;
  }
}

/**
 * Households whose members a transaction batch must read: those of customers whose records reach a day whose close
 * is not judged yet (the close is judged on the first record of the next day), or who have days waiting for the
 * household, when the rules have a household floor. Most batches of a live stream judge no close for most customers, so this keeps the extra read rare.
 */
export function householdsForTransactions(
  loaded: ReadonlyMap<string, { state: CustomerState | undefined; profile: CustomerProfile | undefined }>,
  records: ReadonlyArray<{ transaction: { customerId: string; eventTime: number } }>,
  rules: Rules,
  calendar: BusinessCalendar,
): string[] {
  if (!hasHouseholdRule(rules)) return [];
  const days = new Map<string, { first: number; last: number }>();
  for (const { transaction } of records) {
    const day = calendar.dayOf(transaction.eventTime);
    const span = days.get(transaction.customerId);
    if (span === undefined) {
      days.set(transaction.customerId, { first: day, last: day });
    } else {
      // widened in place: a new span per record was garbage for every record of a batch
      span.first = Math.min(span.first, day);
      span.last = Math.max(span.last, day);
    }
  }
  const ids = new Set<string>();
  for (const [customerId, { first, last }] of days) {
    const { state, profile } = loaded.get(customerId) ?? { state: undefined, profile: undefined };
    const householdId = profile?.householdId;
    if (householdId == null || profile?.status === 'CLOSED') continue;
    const judgedUpTo = state === undefined ? first : Math.max(calendar.dayOf(state.streamTime), state.evaluatedDay + 1);
    // a day whose tiers wait for the household is judged on the customer's next record, once the members passed it
    if (last > judgedUpTo || (state?.tiersPending?.length ?? 0) > 0) ids.add(householdId);
  }
  return [...ids];
}

/** The households of these customers (a timer sweep: a wake-up may judge any due customer's close; the features route). */
export function householdsOfCustomers(loaded: ReadonlyMap<string, { profile: CustomerProfile | undefined }>, rules: Rules): string[] {
  if (!hasHouseholdRule(rules)) return [];
  const ids = new Set<string>();
  for (const { profile } of loaded.values()) if (profile?.householdId != null && profile.status !== 'CLOSED') ids.add(profile.householdId);
  return [...ids];
}
