import type { CustomerState } from '../core/state.ts';
import { customerProfileSchema } from '../domain/profile.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import { MemoryStateStore } from '../state/memory-store.ts';
import type { DueTimer, LoadedCustomer, StateStore, StateWrite, TimerChange } from '../state/store.ts';

interface Stored {
  /** Kept apart from `state.rev`: the core bumps the revision of the very object it loaded before it is committed. */
  rev: number;
  state: CustomerState;
}

/**
 * The in-memory store for a replay: MemoryStateStore's semantics (conditional writes by revision, timers, profiles,
 * erasure) without its deep copies. MemoryStateStore clones every state in and out so that no caller can reach into
 * it; in a replay the engine is the only caller, and the core updates the states it loaded in place and hands them
 * back as writes, so the copies (a third of the replay's time) protect nothing. Timers are delegated to a
 * MemoryStateStore (which copies nothing for them), so both order due timers the same way.
 *
 * Not for sharing: a caller that keeps a loaded state and changes it after its commit changes the stored one.
 */
export class DirectMemoryStateStore implements StateStore {
  readonly #states = new Map<string, Stored>();
  readonly #profiles = new Map<string, CustomerProfile>();
  readonly #timers = new MemoryStateStore();
  #roundTrips = 0;

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
      const stored = this.#states.get(id);
      loaded.set(id, { rev: stored?.rev ?? 0, state: stored?.state, profile: this.#profiles.get(id) });
    }
    return loaded;
  }

  async commit(writes: readonly StateWrite[], timers: readonly TimerChange[]): Promise<{ conflicts: string[] }> {
    if (writes.length === 0 && timers.length === 0) return { conflicts: [] };
    writes.forEach(assertValidWrite);
    this.#roundTrips += 1;
    const conflicts: string[] = [];
    for (const { customerId, expectedRev, state } of writes) {
      if ((this.#states.get(customerId)?.rev ?? 0) !== expectedRev) conflicts.push(customerId);
      else this.#states.set(customerId, { rev: state.rev, state });
    }
    // Applied whatever the writes' outcome, as in the other stores: timers are wake-up hints.
    if (timers.length > 0) await this.#timers.commit([], timers);
    return { conflicts };
  }

  async putProfiles(profiles: ReadonlyArray<{ customerId: string; profile: CustomerProfile | null }>): Promise<void> {
    if (profiles.length === 0) return;
    // Validated up front: a bad profile is refused before any is stored, as in the other stores.
    const parsed = profiles.map(({ customerId, profile }) => ({ customerId, profile: profile === null ? null : customerProfileSchema.parse(profile) }));
    this.#roundTrips += 1;
    for (const { customerId, profile } of parsed) {
      if (profile !== null) {
        this.#profiles.set(customerId, profile);
      } else {
        this.#profiles.delete(customerId);
        this.#states.delete(customerId);
      }
    }
  }

  async dueTimers(scope: string, upTo: number, limit: number): Promise<DueTimer[]> {
    if (limit === 0) return [];
    this.#roundTrips += 1;
    return this.#timers.dueTimers(scope, upTo, limit);
  }

  async close(): Promise<void> {}
}

function assertValidWrite(write: StateWrite): void {
  const { customerId, expectedRev, state } = write;
  if (!Number.isSafeInteger(expectedRev) || expectedRev < 0) {
    throw new RangeError(`write for ${customerId}: expectedRev must be a non-negative integer, got ${expectedRev}`);
  }
  if (!Number.isSafeInteger(state.rev) || state.rev <= expectedRev) {
    throw new RangeError(`write for ${customerId}: state.rev ${state.rev} must be an integer above expectedRev ${expectedRev}`);
  }
  if (state.customerId !== customerId) throw new Error(`write for ${customerId} carries the state of ${state.customerId}`);
}
