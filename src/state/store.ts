import type { HouseholdMember } from '../core/household.ts';
import type { CustomerState } from '../core/state.ts';
import type { CustomerProfile } from '../domain/profile.ts';

/** What a batch needs of one customer: its state (if any), the revision it was read at, and its profile (if any). */
export interface LoadedCustomer {
  /** 0 when the customer has no state yet. */
  rev: number;
  state: CustomerState | undefined;
  profile: CustomerProfile | undefined;
  /** The other members of the customer's household, when the batch read them (see loadHouseholds). */
  household?: readonly HouseholdMember[];
}

export interface StateWrite {
  customerId: string;
  /** The revision read; the write is refused if the stored one differs (another writer got there first). */
  expectedRev: number;
  /** Carries its new revision in `state.rev`. */
  state: CustomerState;
}

/** A timer is a wake-up hint: the customer is looked at again at `due` (UTC millis); null cancels it. */
export interface TimerChange {
  /** Which timer set: one per input partition, so timers move with partition ownership. */
  scope: string;
  customerId: string;
  due: number | null;
}

/**
 * A partition's watermark: the last business day it has passed, every record of that day and before processed
 * (core/household.ts judges a household's tiers of a day only once every member's partition has passed it). Only
 * ever raised: a lower day changes nothing.
 */
export interface WatermarkChange {
  /** The partition's timer scope (`<topic>:<partition>`). */
  scope: string;
  day: number;
}

/**
 * An owner's claim on an input partition (issue 12): the generation it wrote when it took the partition. A commit
 * carrying it is refused whole once another instance has taken the partition since (a higher generation stored), so a
 * zombie after a rebalance cannot overwrite what the new owner wrote.
 */
export interface OwnerFence {
  /** The partition's timer scope (`<transactions topic>:<partition>`). */
  scope: string;
  generation: number;
}

/** A partition taken: its new generation, and whether the generation held before was still the stored one. */
export interface PartitionClaim extends OwnerFence {
  /** Nobody took the partition since `previous`: what the claimant remembers of it is still what Redis holds. */
  kept: boolean;
}

/** A commit refused because another instance took some of its partitions: nothing of its state writes was written. */
export class PartitionFencedError extends Error {
  override readonly name = 'PartitionFencedError';
  constructor(readonly scopes: readonly string[]) {
    super(`partition(s) ${scopes.join(', ')} taken by another instance: this instance's writes to them are refused`);
  }
}

export interface DueTimer {
  customerId: string;
  due: number;
}

/**
 * Per-customer state, profiles and timers. Each method is one round trip to the backing store, whatever the
 * number of customers, so a batch costs a constant number of round trips.
 */
export interface StateStore {
  load(customerIds: readonly string[]): Promise<Map<string, LoadedCustomer>>;
  /**
   * Conditional writes plus timer changes (and watermarks, written after the states, so that a reader who sees a
   * watermark also sees the states behind it); answers the customers whose write was refused.
   */
  commit(
    writes: readonly StateWrite[],
    timers: readonly TimerChange[],
    watermarks?: readonly WatermarkChange[],
    /** Checked with the writes: a fence whose generation is no longer the stored one refuses every write (PartitionFencedError). */
    fences?: readonly OwnerFence[],
  ): Promise<{ conflicts: string[] }>;
  /**
   * Takes partitions: each one's generation goes up by one (INCR), which fences out every earlier claim. `previous`
   * is the generation this claimant held before (undefined: none); `kept` says whether it was still the stored one.
   * One round trip.
   */
  claimPartitions(claims: ReadonlyArray<{ scope: string; previous: number | undefined }>): Promise<PartitionClaim[]>;
  /** Every partition's watermark, by scope. One round trip. */
  watermarks(): Promise<Map<string, number>>;
  /** Upserts profiles; null deletes one (a tombstone on the compacted topic, e.g. an erasure request). */
  putProfiles(profiles: ReadonlyArray<{ customerId: string; profile: CustomerProfile | null }>): Promise<void>;
  dueTimers(scope: string, upTo: number, limit: number): Promise<DueTimer[]>;
  /**
   * The members of these households (customers whose stored profile names the household, kept as a set per
   * household by putProfiles), with their states and profiles, ordered by customer id. One round trip (two on a
   * Redis Cluster, whose slots one script cannot span).
   */
  loadHouseholds(householdIds: readonly string[]): Promise<Map<string, HouseholdMember[]>>;
  /** Round trips made so far (for the benchmark and the metrics). */
  readonly roundTrips: number;
  close(): Promise<void>;
}
