import type { CustomerState } from '../core/state.ts';
import type { CustomerProfile } from '../domain/profile.ts';

/** A customer as Redis holds it right now: the state at its revision, and its profile. */
export interface CachedCustomer {
  rev: number;
  state: CustomerState | undefined;
  profile: CustomerProfile | undefined;
}

/**
 * The decoded states of the customers of owned partitions, in process memory, each tagged with the partition it was
 * written through (so a revoked partition's customers can be dropped), at most `maxCustomers` (the least recently
 * written go first: they are read from Redis again when needed).
 *
 * An entry is taken out while a unit of work uses it and put back only once the unit's write succeeded: the core
 * updates the states it is handed in place, so a unit that fails midway (a refused write, Redis or Kafka down, a
 * crash of the core) leaves nothing behind that Redis does not hold; the next unit reads those customers again.
 */
export class StateCache {
  readonly #entries = new Map<string, { partition: number; customer: CachedCustomer }>();

  constructor(readonly maxCustomers: number) {
    if (!Number.isSafeInteger(maxCustomers) || maxCustomers < 0) throw new RangeError(`maxCustomers must be a non-negative integer, got ${maxCustomers}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The customer's entry, now the caller's alone (removed from the cache); undefined when not cached. */
  take(customerId: string): CachedCustomer | undefined {
    const entry = this.#entries.get(customerId);
    if (entry === undefined) return undefined;
    this.#entries.delete(customerId);
    return entry.customer;
  }

  /** What Redis now holds for the customer, written through `partition`; replaces any entry it had. */
  put(partition: number, customerId: string, customer: CachedCustomer): void {
    this.#entries.delete(customerId); // re-inserted last: Map order is the eviction order
    if (this.maxCustomers === 0) return;
    this.#entries.set(customerId, { partition, customer });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxCustomers) break;
      this.#entries.delete(oldest);
    }
  }

  forget(customerIds: Iterable<string>): void {
    for (const customerId of customerIds) this.#entries.delete(customerId);
  }

  /** Drops every customer of the partition; answers how many were dropped. */
  drop(partition: number): number {
    let dropped = 0;
    for (const [customerId, entry] of this.#entries) {
      if (entry.partition !== partition) continue;
      this.#entries.delete(customerId);
      dropped += 1;
    }
    return dropped;
  }

  /** Customers cached per partition (for tests and the log). */
  partitions(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const { partition } of this.#entries.values()) counts.set(partition, (counts.get(partition) ?? 0) + 1);
    return counts;
  }
}
