import type { CustomerState } from '../core/state.ts';
import { customerProfileSchema } from '../domain/profile.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import type { HouseholdMember } from '../core/household.ts';
import { PartitionFencedError } from './store.ts';
import type { DueTimer, LoadedCustomer, OwnerFence, PartitionClaim, StateStore, StateWrite, TimerChange, WatermarkChange } from './store.ts';
import { assertValidTimer, assertValidWrite } from './write-checks.ts';

/**
 * StateStore in process memory, with the semantics of RedisStateStore (conditional writes by revision, timers
 * ordered by due then customerId, profiles, erasure) minus the TTL: for replays and tests. By default stored states
 * are copies (structuredClone in, structuredClone out), so callers cannot reach into the store. `{ copies: false }`
 * skips the copies for a sole caller that hands back what it loaded (a replay: the core updates loaded states in
 * place, so the copies protected nothing and cost a third of its time); the revision is then kept apart from the
 * state, which its caller may already have bumped before committing. Each call that has something to do counts as
 * one round trip, as it would against Redis.
 *
 * Costs: load and commit are O(customers); a timer change is O(log timers); dueTimers is O(limit · log timers),
 * plus the discarded entries of moved or cancelled timers it meets (each paid for once).
 */
export interface MemoryStateStoreOptions {
  /** Copy states in and out (default true). */
  copies?: boolean;
}

export class MemoryStateStore implements StateStore {
  readonly #states = new Map<string, { rev: number; state: CustomerState }>();
  readonly #copy: <T>(value: T) => T;
  readonly #profiles = new Map<string, CustomerProfile>();
  readonly #timers = new Map<string, TimerQueue>();
  readonly #watermarks = new Map<string, number>();
  /** Partition scope → owner generation (claimPartitions). */
  readonly #owners = new Map<string, number>();
  /** householdId → customers whose profile named it when stored (a set per household, as in Redis). */
  readonly #households = new Map<string, Set<string>>();
  /** householdId → its set's customers sorted (the order members are read in), made again when the set changes. */
  readonly #sortedMembers = new Map<string, readonly string[]>();
  #roundTrips = 0;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.#copy = options.copies === false ? (value) => value : (value) => structuredClone(value);
  }

  get roundTrips(): number {
    return this.#roundTrips;
  }

  /** Customers with a state. */
  get size(): number {
    return this.#states.size;
  }

  async load(customerIds: readonly string[]): Promise<Map<string, LoadedCustomer>> {
    const loaded = new Map<string, LoadedCustomer>();
    if (customerIds.length === 0) return loaded;
    this.#roundTrips += 1;
    for (const id of customerIds) {
      if (loaded.has(id)) continue;
      const stored = this.#states.get(id);
      const profile = this.#profiles.get(id);
      loaded.set(id, {
        rev: stored?.rev ?? 0,
        state: stored === undefined ? undefined : this.#copy(stored.state),
        profile: profile === undefined ? undefined : this.#copy(profile),
      });
    }
    return loaded;
  }

  async commit(
    writes: readonly StateWrite[],
    timers: readonly TimerChange[],
    watermarks: readonly WatermarkChange[] = [],
    fences: readonly OwnerFence[] = [],
  ): Promise<{ conflicts: string[] }> {
    if (writes.length === 0 && timers.length === 0 && watermarks.length === 0) return { conflicts: [] };
    writes.forEach(assertValidWrite);
    timers.forEach(assertValidTimer);
    this.#roundTrips += 1;
    const fenced = fences.filter(({ scope, generation }) => this.#owners.get(scope) !== generation).map(({ scope }) => scope);
    // as in Redis: the states are refused whole, the timers and watermarks of the same round trip still go
    const applied = fenced.length > 0 ? [] : writes;
    const conflicts: string[] = [];
    for (const { customerId, expectedRev, state } of applied) {
      if ((this.#states.get(customerId)?.rev ?? 0) !== expectedRev) conflicts.push(customerId);
      else this.#states.set(customerId, { rev: state.rev, state: this.#copy(state) });
    }
    // Applied whatever the writes' outcome, as in RedisStateStore: timers are wake-up hints.
    for (const { scope, customerId, due } of timers) {
      let queue = this.#timers.get(scope);
      if (queue === undefined) {
        if (due === null) continue;
        queue = new TimerQueue();
        this.#timers.set(scope, queue);
      }
      if (due === null) queue.delete(customerId);
      else queue.set(customerId, due);
    }
    for (const { scope, day } of watermarks) this.#watermarks.set(scope, Math.max(day, this.#watermarks.get(scope) ?? day));
    if (fenced.length > 0) throw new PartitionFencedError(fenced);
    return { conflicts };
  }

  async claimPartitions(claims: ReadonlyArray<{ scope: string; previous: number | undefined }>): Promise<PartitionClaim[]> {
    if (claims.length === 0) return [];
    this.#roundTrips += 1;
    return claims.map(({ scope, previous }) => {
      const stored = this.#owners.get(scope);
      const generation = (stored ?? 0) + 1;
      this.#owners.set(scope, generation);
      return { scope, generation, kept: previous !== undefined && stored === previous };
    });
  }

  async watermarks(): Promise<Map<string, number>> {
    this.#roundTrips += 1;
    return new Map(this.#watermarks);
  }

  async putProfiles(profiles: ReadonlyArray<{ customerId: string; profile: CustomerProfile | null }>): Promise<void> {
    if (profiles.length === 0) return;
    // Validated up front (parse also copies): a bad profile is refused before any is stored, as in Redis.
    const parsed = profiles.map(({ customerId, profile }) => ({
      customerId,
      profile: profile === null ? null : customerProfileSchema.parse(profile),
    }));
    this.#roundTrips += 1;
    for (const { customerId, profile } of parsed) {
      if (profile !== null) {
        this.#profiles.set(customerId, profile);
        if (profile.householdId !== null) {
          const members = this.#households.get(profile.householdId) ?? new Set<string>();
          const before = members.size;
          this.#households.set(profile.householdId, members.add(customerId));
          if (members.size !== before) this.#sortedMembers.delete(profile.householdId);
        }
      } else {
        // An erasure removes everything held on the customer.
        this.#profiles.delete(customerId);
        this.#states.delete(customerId);
      }
    }
  }

  async dueTimers(scope: string, upTo: number, limit: number): Promise<DueTimer[]> {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    if (Number.isNaN(upTo)) throw new RangeError('upTo must be a number');
    if (limit === 0) return [];
    this.#roundTrips += 1;
    return this.#timers.get(scope)?.due(upTo, limit) ?? [];
  }

  async loadHouseholds(householdIds: readonly string[]): Promise<Map<string, HouseholdMember[]>> {
    // read straight from the maps, as checkedMembers reads what load() answers (the same members, in the same order,
    // the same copies), without a LoadedCustomer per member nor the arrays between: a replay reads households for
    // most batches and every round of timers
    const households = new Map<string, HouseholdMember[]>();
    let listedAny = false;
    for (const householdId of householdIds) {
      if (households.has(householdId)) continue;
      const listed = this.#households.get(householdId);
      const members: HouseholdMember[] = [];
      households.set(householdId, members);
      if (listed === undefined || listed.size === 0) continue;
      listedAny = true;
      let sorted = this.#sortedMembers.get(householdId);
      if (sorted === undefined) {
        sorted = [...listed].sort();
        this.#sortedMembers.set(householdId, sorted);
      }
      for (const customerId of sorted) {
        const profile = this.#profiles.get(customerId);
        if (profile?.householdId !== householdId) {
          // moved out or erased: as checkedMembers's stale members
          listed.delete(customerId);
          this.#sortedMembers.delete(householdId);
          continue;
        }
        const stored = this.#states.get(customerId);
        members.push({ customerId, state: stored === undefined ? undefined : this.#copy(stored.state), profile: this.#copy(profile) });
      }
    }
    if (listedAny) this.#roundTrips += 1;
    return households;
  }

  async close(): Promise<void> {}
}


interface TimerEntry {
  readonly customerId: string;
  readonly due: number;
}

/**
 * One scope's timers: a map customerId → live entry, and a binary min-heap ordered by (due, customerId) holding
 * the live entries plus superseded ones. Moving or cancelling a timer only replaces the map entry; the superseded
 * heap entry is dropped when it reaches the top, or by a rebuild once such entries outnumber the live ones.
 * customerIds compare by UTF-16 code units, which agrees with Redis's byte order for every id outside the
 * astral planes (ids are ASCII in practice).
 */
class TimerQueue {
  readonly #live = new Map<string, TimerEntry>();
  #heap: TimerEntry[] = [];

  set(customerId: string, due: number): void {
    if (this.#live.get(customerId)?.due === due) return;
    const entry: TimerEntry = { customerId, due };
    this.#live.set(customerId, entry);
    this.#push(entry);
    this.#compactIfMostlySuperseded();
  }

  delete(customerId: string): void {
    if (this.#live.delete(customerId)) this.#compactIfMostlySuperseded();
  }

  /** The first `limit` timers due at or before `upTo`, in order; they stay set. */
  due(upTo: number, limit: number): DueTimer[] {
    const taken: TimerEntry[] = [];
    while (taken.length < limit) {
      const top = this.#heap[0];
      if (top === undefined) break;
      if (this.#live.get(top.customerId) !== top) {
        this.#pop(); // superseded
        continue;
      }
      if (top.due > upTo) break;
      taken.push(this.#pop());
    }
    for (const entry of taken) this.#push(entry);
    return taken.map(({ customerId, due }) => ({ customerId, due }));
  }

  #compactIfMostlySuperseded(): void {
    if (this.#heap.length < 1024 || this.#heap.length < 2 * this.#live.size) return;
    this.#heap = [...this.#live.values()];
    for (let index = (this.#heap.length >> 1) - 1; index >= 0; index -= 1) this.#siftDown(index);
  }

  #push(entry: TimerEntry): void {
    const heap = this.#heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentEntry = heap[parent] as TimerEntry;
      if (compareTimers(parentEntry, entry) <= 0) break;
      heap[index] = parentEntry;
      index = parent;
    }
    heap[index] = entry;
  }

  #pop(): TimerEntry {
    const heap = this.#heap;
    const top = heap[0] as TimerEntry;
    const last = heap.pop() as TimerEntry;
    if (heap.length > 0) {
      heap[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    const entry = heap[start] as TimerEntry;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const leftEntry = heap[left] as TimerEntry;
      const rightEntry = heap[right];
      // two variables, not a destructured pair: an array per level of every sift was most of a replay's timer garbage
      const rightFirst = rightEntry !== undefined && compareTimers(rightEntry, leftEntry) < 0;
      const child = rightFirst ? right : left;
      const childEntry = rightFirst ? rightEntry : leftEntry;
      if (compareTimers(entry, childEntry) <= 0) break;
      heap[index] = childEntry;
      index = child;
    }
    heap[index] = entry;
  }
}

function compareTimers(a: TimerEntry, b: TimerEntry): number {
  if (a.due !== b.due) return a.due < b.due ? -1 : 1;
  if (a.customerId === b.customerId) return 0;
  return a.customerId < b.customerId ? -1 : 1;
}
