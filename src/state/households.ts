import type { HouseholdMember } from '../core/household.ts';
import type { LoadedCustomer, StateStore } from './store.ts';

/**
 * Members as the stores' membership sets list them, checked against the profiles just read: a customer whose
 * profile no longer names the household (moved out, erased) is not a member, and the store may drop it from the set.
 */
export function checkedMembers(
  listed: ReadonlyMap<string, readonly string[]>,
  loaded: ReadonlyMap<string, LoadedCustomer>,
): { households: Map<string, HouseholdMember[]>; stale: Array<{ householdId: string; customerId: string }> } {
  const households = new Map<string, HouseholdMember[]>();
  const stale: Array<{ householdId: string; customerId: string }> = [];
  for (const [householdId, customerIds] of listed) {
    const members: HouseholdMember[] = [];
    for (const customerId of [...customerIds].sort()) {
      const customer = loaded.get(customerId);
      if (customer?.profile?.householdId === householdId) members.push({ customerId, state: customer.state, profile: customer.profile });
      else stale.push({ householdId, customerId });
    }
    households.set(householdId, members);
  }
  return { households, stale };
}

/**
 * The watermark (last business day passed) of an input partition, as the caller knows it (undefined: unknown);
 * of no partition (a member without a state, whose partition is not known yet): the slowest partition's.
 */
export type PassedDayOf = (partition: number | undefined) => number | undefined;

/**
 * Hands each loaded customer the other members of its household (for the household tier rule), each with its
 * partition's watermark when the caller knows them. The members are read-only to the core; a member in the same batch
 * is judged from its own loaded state.
 */
export function attachHouseholds(
  loaded: ReadonlyMap<string, LoadedCustomer>,
  households: ReadonlyMap<string, readonly HouseholdMember[]>,
  passedDayOf?: PassedDayOf,
): void {
  if (passedDayOf !== undefined) {
    for (const members of households.values()) {
      for (const member of members) {
        const passed = passedDayOf(member.state?.partition);
        if (passed !== undefined) member.passedDay = passed;
      }
    }
  }
  for (const [customerId, customer] of loaded) {
    const householdId = customer.profile?.householdId;
    if (householdId == null) continue;
    const members = households.get(householdId);
    if (members !== undefined) customer.household = members.filter((member) => member.customerId !== customerId);
  }
}

/**
 * Reads these households (one call to the store, none when there are none) and hands their members to `loaded`.
 * `watermarks`: how far each member's partition has passed. `scopeOf` reads them from the store first (one more
 * call, before the members, so that a watermark read never runs ahead of the states read after it); a replay, which
 * runs in event-time order, knows them (`passedDayOf`). Neither: members count as complete (the features route).
 */
export async function readHouseholds(
  store: StateStore,
  loaded: ReadonlyMap<string, LoadedCustomer>,
  householdIds: readonly string[],
  watermarks?: { scopeOf: (partition: number) => string } | { passedDayOf: PassedDayOf },
): Promise<void> {
  if (householdIds.length === 0) return;
  let passedDayOf: PassedDayOf | undefined;
  if (watermarks !== undefined && 'scopeOf' in watermarks) {
    const marks = await store.watermarks();
    const slowest = marks.size === 0 ? Number.NEGATIVE_INFINITY : Math.min(...marks.values());
    passedDayOf = (partition) => (partition === undefined ? slowest : marks.get(watermarks.scopeOf(partition)));
  } else {
    passedDayOf = watermarks?.passedDayOf;
  }
  attachHouseholds(loaded, await store.loadHouseholds(householdIds), passedDayOf);
}
