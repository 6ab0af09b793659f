import type { CustomerProfile } from '../domain/profile.ts';
import type { BusinessCalendar } from './calendar.ts';
import { seriesFeatures } from './features.ts';
import type { CustomerFeatures } from './features.ts';
import type { Rules } from './rules.ts';
import type { CustomerState } from './state.ts';
import { periodAverage } from './tiers.ts';

/**
 * Another member of a customer's household as a batch reads it: its state (undefined before its first transaction)
 * and its profile, which still names the household. Members usually sit on other input partitions, so what a
 * member contributes is what that partition has processed so far: the household sum is as fresh as the slowest
 * member's partition (README, "Household tiers").
 */
export interface HouseholdMember {
  customerId: string;
  state: CustomerState | undefined;
  profile: CustomerProfile;
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
  const others = members.flatMap((member) =>
    member.state === undefined || member.profile.status === 'CLOSED' ? [] : [seriesFeatures(member.state, own.asOfDay, calendar)],
  );
  if (others.length === 0) return null;
  const all = [own, ...others];
  return {
    members: all.length,
    averageAt: (day) => all.reduce((sum, features) => sum + periodAverage(features.at(day), rules), 0),
    closingAt: (day) => all.reduce((sum, features) => sum + features.at(day).closingBalance(), 0),
  };
}

/**
 * Households whose members a transaction batch must read: those of customers whose records reach a day whose close
 * is not judged yet (the close is judged on the first record of the next day), when the rules have a household
 * floor. Most batches of a live stream judge no close for most customers, so this keeps the extra read rare.
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
    if (span === undefined) days.set(transaction.customerId, { first: day, last: day });
    else days.set(transaction.customerId, { first: Math.min(span.first, day), last: Math.max(span.last, day) });
  }
  const ids = new Set<string>();
  for (const [customerId, { first, last }] of days) {
    const { state, profile } = loaded.get(customerId) ?? { state: undefined, profile: undefined };
    const householdId = profile?.householdId;
    if (householdId == null || profile?.status === 'CLOSED') continue;
    const judgedUpTo = state === undefined ? first : Math.max(calendar.dayOf(state.streamTime), state.evaluatedDay + 1);
    if (last > judgedUpTo) ids.add(householdId);
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
