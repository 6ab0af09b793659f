import type { LoadedCustomer, OwnerFence, StateStore, StateWrite, TimerChange, WatermarkChange } from '../state/store.ts';
import { PartitionFencedError } from '../state/store.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import { StateCache } from './state-cache.ts';

/** Where this instance stands with one partition of its current assignment. */
type Standing = { kind: 'claimed'; generation: number } | { kind: 'fenced' };

/** Why a partition's cached customers were dropped (a label of tidewatch_state_cache_drops_total). */
export type DropReason = 'revoked' | 'taken_meanwhile' | 'fenced';

export interface OwnedPartitionsOptions {
  /** The partition's scope (`<transactions topic>:<n>`): its owner key, as its timers and epoch. */
  scopeOf(partition: number): string;
  /** Most customers kept in memory (0: none, every unit reads Redis as before). */
  maxCustomers: number;
  onDropped?(partition: number, reason: DropReason, customers: number): void;
  /** Customers handed to a unit, by where they came from. */
  onLoaded?(fromMemory: number, fromRedis: number): void;
}

/** A partition's fence as a unit holds it. */
export interface PartitionFence extends OwnerFence {
  partition: number;
}

/** A state write of a unit, with what the cache keeps beside it once Redis has it. */
export interface OwnedWrite extends StateWrite {
  /** The input partition the write was made for (its owner fences the write, its cache keeps the state). */
  partition: number;
  profile: CustomerProfile | undefined;
}

/**
 * The partitions this instance owns, as Kafka Streams keeps a local store per partition (issue 12): the customers'
 * states stay in memory between units, Redis is read only for a customer not seen since the partition was taken, and
 * written once per unit of work as the durable store.
 *
 * Ownership is fenced per partition: taking one raises its owner generation in Redis (`claim`, once per assignment,
 * on the partition's first unit), and every write carries the generation, checked in the same script as the
 * revisions. An instance that stalled past its session timeout finds its writes refused as soon as another took the
 * partition (PartitionFencedError): it drops that partition's cache and does not claim it again before its next
 * assignment. A partition given back after a rebalance keeps its cache only if nobody took it in between (the
 * generation it held is still the stored one); a revoked partition's cache is dropped at once.
 *
 * Every write is still conditional on the revision read, so a cache that were stale anyway (input not keyed by
 * customer, a customer written through two partitions) costs a refused write and a retry, never a lost update.
 */
export class OwnedPartitions {
  readonly #store: StateStore;
  readonly #options: OwnedPartitionsOptions;
  readonly #cache: StateCache;
  #assigned: ReadonlySet<number> = new Set();
  readonly #standing = new Map<number, Standing>();
  /** The generation held before the latest assignment, for partitions assigned again (see claim). */
  readonly #previous = new Map<number, number>();

  constructor(store: StateStore, options: OwnedPartitionsOptions) {
    this.#store = store;
    this.#options = options;
    this.#cache = new StateCache(options.maxCustomers);
  }

  /** Customers in memory. */
  get cachedCustomers(): number {
    return this.#cache.size;
  }

  /** A new assignment (kafkajs GROUP_JOIN): revoked partitions' caches go; every partition is claimed again. */
  assigned(partitions: ReadonlySet<number>): void {
    for (const partition of new Set([...this.#assigned, ...this.#standing.keys()])) {
      const standing = this.#standing.get(partition);
      if (!partitions.has(partition)) {
        this.#previous.delete(partition);
        this.#drop(partition, 'revoked');
      } else if (standing?.kind === 'claimed') this.#previous.set(partition, standing.generation);
      else if (standing?.kind === 'fenced') this.#previous.delete(partition);
      // assigned again without a unit in between: the generation held before (if any) still tells
    }
    this.#standing.clear();
    this.#assigned = new Set(partitions);
  }

  /** False once another instance has taken the partition under this one: nothing of it is processed until the next assignment. */
  mayWork(partition: number): boolean {
    return this.#standing.get(partition)?.kind !== 'fenced';
  }

  /**
   * The fences a unit of these partitions writes under: this instance's generation of each partition it is assigned,
   * claimed (one round trip) the first time in this assignment. A partition it is not assigned (a batch fetched
   * before a rebalance; another instance owning the transactions partition while an older version shares the group
   * with round robin) is neither claimed nor fenced, so it never takes a partition from its owner: its writes are
   * conditional on their revisions alone, as before ownership was fenced, and not kept in memory. Throws
   * PartitionFencedError for a partition taken from under this instance.
   */
  async claim(partitions: Iterable<number>): Promise<PartitionFence[]> {
    const wanted = [...new Set(partitions)].filter((partition) => this.#assigned.has(partition));
    const fenced = wanted.filter((partition) => !this.mayWork(partition));
    if (fenced.length > 0) throw new PartitionFencedError(fenced.map((partition) => this.#options.scopeOf(partition)));
    const unclaimed = wanted.filter((partition) => this.#standing.get(partition) === undefined);
    if (unclaimed.length > 0) {
      const claims = await this.#store.claimPartitions(unclaimed.map((partition) => ({ scope: this.#options.scopeOf(partition), previous: this.#previous.get(partition) })));
      unclaimed.forEach((partition, index) => {
        const claim = claims[index];
        if (claim === undefined) throw new Error(`no claim answered for partition ${partition}`);
        // held here before, and someone else held it since: what is cached of it may be older than Redis
        if (!claim.kept && this.#previous.has(partition)) this.#drop(partition, 'taken_meanwhile');
        this.#previous.delete(partition);
        this.#standing.set(partition, { kind: 'claimed', generation: claim.generation });
      });
    }
    return wanted.map((partition) => {
      const standing = this.#standing.get(partition);
      if (standing?.kind !== 'claimed') throw new PartitionFencedError([this.#options.scopeOf(partition)]);
      return { partition, scope: this.#options.scopeOf(partition), generation: standing.generation };
    });
  }

  /**
   * The customers of a unit: those in memory are handed over (and leave the cache until the unit's write is
   * stored), the others read from Redis in one round trip.
   */
  async load(customerIds: Iterable<string>): Promise<Map<string, LoadedCustomer>> {
    const loaded = new Map<string, LoadedCustomer>();
    const missing: string[] = [];
    for (const customerId of new Set(customerIds)) {
      const cached = this.#cache.take(customerId);
      if (cached === undefined) missing.push(customerId);
      else loaded.set(customerId, { rev: cached.rev, state: cached.state, profile: cached.profile });
    }
    const fromMemory = loaded.size;
    if (missing.length > 0) for (const [customerId, customer] of await this.#store.load(missing)) loaded.set(customerId, customer);
    this.#options.onLoaded?.(fromMemory, missing.length);
    return loaded;
  }

  /**
   * One write to Redis under the fences `claim` gave the unit: what it wrote is cached (unless `remember` is false,
   * or its partition is no longer assigned here), what it could not write is forgotten. Refused by a fence, the
   * partitions are given up until the next assignment and their caches dropped; the error is rethrown, so the unit
   * fails and commits no offset. A rebalance between claim and commit changes nothing: the unit keeps the fences it
   * started under, so its write lands only if nobody took the partitions meanwhile.
   */
  async commit(unit: {
    fences: readonly PartitionFence[];
    writes: readonly OwnedWrite[];
    timers?: readonly TimerChange[];
    watermarks?: readonly WatermarkChange[];
    remember?: boolean;
  }): Promise<{ conflicts: string[] }> {
    const { writes, fences } = unit;
    let conflicts: string[];
    try {
      ({ conflicts } = await this.#store.commit(writes, unit.timers ?? [], unit.watermarks ?? [], fences.map(({ scope, generation }) => ({ scope, generation }))));
    } catch (error) {
      // written or not, nobody knows: Redis is read again for these
      this.#cache.forget(writes.map((write) => write.customerId));
      if (error instanceof PartitionFencedError) this.#fence(fences.filter(({ scope }) => error.scopes.includes(scope)).map(({ partition }) => partition));
      throw error;
    }
    const refused = new Set(conflicts);
    const fencedBy = new Set(fences.map(({ partition }) => partition));
    for (const write of writes) {
      const keep = !refused.has(write.customerId) && unit.remember !== false && fencedBy.has(write.partition) && this.#assigned.has(write.partition);
      if (keep) this.#cache.put(write.partition, write.customerId, { rev: write.state.rev, state: write.state, profile: write.profile });
      else this.#cache.forget([write.customerId]);
    }
    return { conflicts };
  }

  #fence(partitions: readonly number[]): void {
    for (const partition of partitions) {
      this.#standing.set(partition, { kind: 'fenced' });
      this.#drop(partition, 'fenced');
    }
  }

  #drop(partition: number, reason: DropReason): void {
    const customers = this.#cache.drop(partition);
    this.#options.onDropped?.(partition, reason, customers);
  }
}
