/**
 * Where tidewatch keeps things in Redis, under one prefix (e.g. `tw:`):
 *
 * - `<prefix>{c:<customerId>}:state`   the customer's state: `<rev>|` then the encoded record (see state-store.ts)
 * - `<prefix>{c:<customerId>}:profile` the customer's profile as JSON, readable by other systems
 * - `<prefix>timers:{<scope>}`         sorted set of wake-ups: member customerId, score due time (UTC millis)
 * - `<prefix>{h:<householdId>}:members` set of the customers whose profile names the household (household tiers)
 * - `<prefix>epoch:{<scope>}`          an input partition's state is present (see epochKey)
 * - `<prefix>owner:{<scope>}`          an input partition's owner generation, the fencing token (see ownerKey)
 * - `<prefix>rebuild:{<scope>}`        customers a rebuild of the partition is writing (see rebuildKey)
 * - `<prefix>digest:{<scope>}:<part>`  the digest stage's keys of one routine-topic partition (see digest-store.ts)
 *
 * The braces are Redis Cluster hash tags: only the part between them picks the slot, so a customer's keys share a
 * slot (one customer never spans nodes) while different customers spread over the cluster. That is also why the
 * prefix itself must not contain braces: a tag in the prefix would put every key in one slot.
 */

export function stateKey(prefix: string, customerId: string): string {
  return `${prefix}{c:${customerId}}:state`;
}

export function profileKey(prefix: string, customerId: string): string {
  return `${prefix}{c:${customerId}}:profile`;
}

export function householdMembersKey(prefix: string, householdId: string): string {
  return `${prefix}{h:${householdId}}:members`;
}

export function timersKey(prefix: string, scope: string): string {
  return `${prefix}timers:{${scope}}`;
}

/** Every input partition's watermark (core/household.ts): one sorted set, member the timer scope, score the day. */
export function watermarksKey(prefix: string): string {
  return `${prefix}watermarks`;
}

/**
 * The sentinel of an input partition's state (`<scope>`: `<transactions topic>:<partition>`): written before the
 * partition's first record is processed, so that committed offsets without it mean the state behind them is gone.
 */
export function epochKey(prefix: string, scope: string): string {
  return `${prefix}epoch:{${scope}}`;
}

/**
 * The owner generation of an input partition (`<scope>` as for the epoch): raised by one (INCR) by each instance that
 * takes the partition; a state write carrying an older generation is refused (state-store.ts), so an instance that
 * lost the partition while stalled cannot overwrite its new owner.
 */
export function ownerKey(prefix: string, scope: string): string {
  return `${prefix}owner:{${scope}}`;
}

/**
 * While `tidewatch rebuild` restores an input partition (`<scope>` as for the epoch): the set of customer ids whose
 * keys it may have written. Removed with the epoch's writing; found at the start of a rebuild, it says an earlier one
 * was interrupted, and names the partial state to remove before replaying again.
 */
export function rebuildKey(prefix: string, scope: string): string {
  return `${prefix}rebuild:{${scope}}`;
}

/** What the digest stage keeps per partition of the routine topic; one hash tag, so one script can change them all. */
export type DigestKeyPart = 'pending' | 'applied' | 'digested' | 'cuts' | 'outbox';

export function digestKey(prefix: string, scope: string, part: DigestKeyPart): string {
  return `${prefix}digest:{${scope}}:${part}`;
}

/** Throws unless the prefix leaves the hash tags above in charge of slot placement. */
export function assertKeyPrefix(prefix: string): void {
  if (/[{}]/.test(prefix)) {
    throw new Error(`Redis key prefix ${JSON.stringify(prefix)} must not contain braces: they would become the hash tag`);
  }
}
