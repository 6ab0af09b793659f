import { Cluster } from 'ioredis';
import type { ClientContext, Redis, Result } from 'ioredis';
import type { HouseholdMember } from '../../core/household.ts';
import type { CustomerState } from '../../core/state.ts';
import type { CustomerProfile } from '../../domain/profile.ts';
import { PartitionFencedError } from '../../state/store.ts';
import type { DueTimer, LoadedCustomer, OwnerFence, PartitionClaim, StateStore, StateWrite, TimerChange, WatermarkChange } from '../../state/store.ts';
import { checkedMembers } from '../../state/households.ts';
import { assertValidTimer, assertValidWrite } from '../../state/write-checks.ts';
import { decodeProfile, encodeProfile } from './profile-codec.ts';
import { decodeState, encodeState } from './state-codec.ts';
import { assertKeyPrefix, householdMembersKey, ownerKey, profileKey, stateKey, timersKey, watermarksKey } from './keys.ts';

/** Registered with defineCommand on the client: ioredis sends EVALSHA, and EVAL when the server lacks the script. */
const COMMIT_STATE_COMMAND = 'tidewatchCommitState';

/** The same check for many customers in one command (a standalone server: no slots to respect). */
const COMMIT_STATES_COMMAND = 'tidewatchCommitStates';

/** Households' members with their states and profiles in one command (a standalone server: no slots to respect). */
const LOAD_HOUSEHOLDS_COMMAND = 'tidewatchLoadHouseholds';

/** Partitions taken: owner generations raised, each answered with whether the claimant's previous one stood. */
const CLAIM_PARTITIONS_COMMAND = 'tidewatchClaimPartitions';

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    /** Defined by RedisStateStore: CLAIM_PARTITIONS_LUA over numberOfKeys owner keys. */
    tidewatchClaimPartitions(numberOfKeys: number, ...keysAndArgs: string[]): Result<number[], Context>;
    /** Defined by RedisStateStore: COMMIT_STATES_LUA over owner keys, then state keys; see there for the answer. */
    tidewatchCommitStates(numberOfKeys: number, ...keysAndArgs: (string | Buffer | number)[]): Result<number[], Context>;
    /** Defined by RedisStateStore: LOAD_HOUSEHOLDS_LUA, bulk replies as Buffers. */
    tidewatchLoadHouseholdsBuffer(numberOfKeys: number, ...keysAndArgs: string[]): Result<unknown[], Context>;
    /** Defined by RedisStateStore: the conditional state write of COMMIT_STATE_LUA; answers 1 written, 0 refused. */
    tidewatchCommitState(key: string, expectedRev: string, value: Buffer, ttlSeconds: number): Result<number, Context>;
  }
}

/**
 * KEYS[1] state key; ARGV[1] expected revision ('0': the key must not exist); ARGV[2] new value; ARGV[3] TTL seconds.
 * Reads only the `<rev>|` head of the stored value (GETRANGE), so the check costs the same whatever the state size;
 * revisions are compared as the decimal strings the store writes, so no float conversion is involved.
 */
const COMMIT_STATE_LUA = `
local head = redis.call('GETRANGE', KEYS[1], 0, 20)
local stored = '0'
if head ~= '' then
  local bar = string.find(head, '|', 1, true)
  if bar == nil then
    return redis.error_reply('ERR tidewatch: ' .. KEYS[1] .. ' holds no revision prefix')
  end
  stored = string.sub(head, 1, bar - 1)
end
if stored ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;

/**
 * KEYS: ARGV[2] owner keys (fences), then the state keys; ARGV[1] TTL seconds, ARGV[2] the number of fences, then per
 * fence the generation the writer holds, then per state key its expected revision and its new value. A fence whose
 * stored generation differs (another instance took the partition since; a missing key counts as differing) refuses
 * every write: the answer is {index of that fence}. Otherwise every state key is checked before any is written, so a
 * key holding a foreign value fails the whole call and changes nothing, and the answer is {0, then 1 or 0 per key}.
 */
const COMMIT_STATES_LUA = `
local fences = tonumber(ARGV[2])
for i = 1, fences do
  if redis.call('GET', KEYS[i]) ~= ARGV[2 + i] then
    return {i}
  end
end
local stored = {}
for i = fences + 1, #KEYS do
  local head = redis.call('GETRANGE', KEYS[i], 0, 20)
  stored[i] = '0'
  if head ~= '' then
    local bar = string.find(head, '|', 1, true)
    if bar == nil then
      return redis.error_reply('ERR tidewatch: ' .. KEYS[i] .. ' holds no revision prefix')
    end
    stored[i] = string.sub(head, 1, bar - 1)
  end
end
local results = {0}
local at = 2 + fences
for i = fences + 1, #KEYS do
  if stored[i] == ARGV[at + 1] then
    redis.call('SET', KEYS[i], ARGV[at + 2], 'EX', ARGV[1])
    results[#results + 1] = 1
  else
    results[#results + 1] = 0
  end
  at = at + 2
end
return results
`;

/**
 * KEYS: owner keys; ARGV: per key the generation the claimant held before ('' none). Raises each generation by one
 * and answers, per key, the new generation and 1 when the previous one was still stored (nobody took the partition
 * in between), else 0.
 */
const CLAIM_PARTITIONS_LUA = `
local out = {}
for i = 1, #KEYS do
  local stored = redis.call('GET', KEYS[i])
  local kept = 0
  if ARGV[i] ~= '' and stored == ARGV[i] then
    kept = 1
  end
  out[#out + 1] = redis.call('INCR', KEYS[i])
  out[#out + 1] = kept
end
return out
`;

/**
 * KEYS: household member sets; ARGV: the state key and the profile key of a customer id, each split around the id
 * (keys.ts builds them; they are passed in so the layout lives in one place). Answers, per household, the number of
 * members, then per member its id, state and profile (nil when absent). Reads keys it is not given, which a
 * standalone server allows and a Cluster does not: on a Cluster the same read is two pipelined rounds instead.
 */
const LOAD_HOUSEHOLDS_LUA = `
local out = {}
for i = 1, #KEYS do
  local members = redis.call('SMEMBERS', KEYS[i])
  out[#out + 1] = #members
  for _, id in ipairs(members) do
    out[#out + 1] = id
    out[#out + 1] = redis.call('GET', ARGV[1] .. id .. ARGV[2])
    out[#out + 1] = redis.call('GET', ARGV[3] .. id .. ARGV[4])
  end
end
return out
`;

// ---------------------------------------------------------------------------------------------------------------
// Stored state encoding: `<rev>|` then a one-byte codec tag then the payload.
//   's': the state-codec.ts record (a MessagePack array, flow buckets packed as varints)
// The decimal revision up front lets the Lua script read it without decoding anything; the tag lets the encoding
// change while old values stay readable. Strings must be well-formed Unicode (MessagePack stores UTF-8).
// ---------------------------------------------------------------------------------------------------------------

const REV_SEPARATOR = 0x7c; // '|'
const TAG_STATE_CODEC = 0x73; // 's'

/**
 * The stored bytes of a state; its revision (`state.rev`) goes up front. The compact record keeps a long history
 * within the 1 KiB budget without compressing it (Brotli cost ~40 µs a state, a third of a batch's CPU).
 */
export function encodeStoredState(state: CustomerState): Buffer {
  // the head is written into room the codec leaves before the record: no second buffer, no copy
  const rev = state.rev;
  if (!Number.isSafeInteger(rev) || rev < 0) {
    const head = `${rev}|s`;
    const stored = encodeState(state, head.length);
    stored.write(head, 0, head.length, 'latin1');
    return stored;
  }
  // a revision as it always is: its digits written byte by byte (a string and Buffer#write per state cost more
  // than the seen ids' packer, live-speed-6)
  const digits = decimalDigits(rev);
  const stored = encodeState(state, digits + 2);
  let rest = rev;
  for (let at = digits - 1; at >= 0; at -= 1) {
    stored[at] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  stored[digits] = REV_SEPARATOR;
  stored[digits + 1] = TAG_STATE_CODEC;
  return stored;
}

/** How many decimal digits a non-negative safe integer has (as its `String()` writes it). */
function decimalDigits(value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  return digits;
}

/** A stored value that cannot be what tidewatch wrote: surfaced, never skipped, so nothing is silently lost. */
export class CorruptStoredValueError extends Error {
  constructor(
    readonly key: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`corrupt value at Redis key ${key}: ${reason}`, options);
    this.name = 'CorruptStoredValueError';
  }
}

export function decodeStoredState(key: string, value: Buffer): { rev: number; state: CustomerState } {
  const rev = storedRevision(value);
  if (rev === undefined) throw new CorruptStoredValueError(key, 'no `<rev>|` prefix');
  const bar = value.indexOf(REV_SEPARATOR);
  const tag = value[bar + 1];
  const payload = value.subarray(bar + 2);
  let decoded: unknown;
  try {
    if (tag === TAG_STATE_CODEC) decoded = decodeState(payload);
    else throw new Error(`unknown codec tag ${tag === undefined ? '(none)' : `0x${tag.toString(16)}`}`);
  } catch (error) {
    throw new CorruptStoredValueError(key, `state does not decode (${errorMessage(error)})`, { cause: error });
  }
  if (!isRecord(decoded) || decoded['rev'] !== rev) {
    throw new CorruptStoredValueError(key, `decoded state does not carry the stored revision ${rev}`);
  }
  // The record is opaque to the store (its layout belongs to core/state.ts); prefix and revision have been checked.
  return { rev, state: decoded as unknown as CustomerState };
}

/**
 * The revision of a stored value's `<rev>|` head: 1 to 16 decimal digits, no leading zero (as the Lua scripts
 * compare it); undefined when there is none. Read digit by digit, without a regular expression and a string per
 * value.
 */
function storedRevision(value: Buffer): number | undefined {
  let rev = 0;
  for (let at = 0; at < value.length && at <= 16; at += 1) {
    const byte = value[at]!;
    if (byte === REV_SEPARATOR) {
      if (at === 0) return undefined;
      // 16 digits may pass 2^53: parsed as the decimal text then, as Number() rounds it
      return at < 16 ? rev : Number(value.toString('latin1', 0, at));
    }
    if (byte < 0x30 || byte > 0x39 || (at === 0 && byte === 0x30)) return undefined;
    rev = rev * 10 + (byte - 0x30);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------

export interface RedisStateStoreOptions {
  /** Prepended to every key, e.g. `tw:`; no braces (see keys.ts). */
  prefix: string;
  /** How long a customer's state outlives its latest write: a customer silent that long starts afresh. */
  stateTtlSeconds: number;
}

/** The commands a batch is made of, as both a pipeline and a cluster client offer them. */
interface CommandSink {
  getBuffer(key: string): unknown;
  mgetBuffer(...keys: string[]): unknown;
  zadd(key: string, ...scoresAndMembers: (string | number)[]): unknown;
  zrem(key: string, ...members: string[]): unknown;
  tidewatchCommitStates(numberOfKeys: number, ...keysAndArgs: (string | Buffer | number)[]): unknown;
  tidewatchLoadHouseholdsBuffer(numberOfKeys: number, ...keysAndArgs: string[]): unknown;
  tidewatchClaimPartitions(numberOfKeys: number, ...keysAndArgs: string[]): unknown;
  get(key: string): unknown;
  set(key: string, value: Buffer): unknown;
  del(...keys: string[]): unknown;
  sadd(key: string, ...members: string[]): unknown;
  srem(key: string, ...members: string[]): unknown;
  smembers(key: string): unknown;
  zrange(
    key: string,
    min: string,
    max: string,
    byScore: 'BYSCORE',
    limitToken: 'LIMIT',
    offset: number,
    count: number,
    withScores: 'WITHSCORES',
  ): unknown;
  tidewatchCommitState(key: string, expectedRev: string, value: Buffer, ttlSeconds: number): unknown;
}

type Command = (sink: CommandSink) => unknown;
type Reply = [error: Error | null, value: unknown];

/**
 * StateStore on Redis (standalone, Sentinel or Cluster). Every call is one round trip whatever the number of
 * customers. On a standalone server (or Sentinel) a call is a few multi-key commands in one pipeline: one MGET for
 * a batch's states and profiles, one script call for all its conditional writes, one ZADD per timer set; per-key
 * commands cost the client ~10 µs each, which for a batch of a thousand customers was most of its time. On a
 * Cluster, keys of different customers live in different slots, so the same work is sent as single-key commands,
 * together, auto-pipelined by ioredis into one pipeline per node.
 *
 * Timer changes are applied whether or not the customer's state write was refused: they are wake-up hints, and a
 * timer key (per scope) lives in another slot than the state, so they cannot be made atomic with it on a Cluster.
 */
export class RedisStateStore implements StateStore {
  readonly #client: Redis | Cluster;
  readonly #prefix: string;
  readonly #stateTtlSeconds: number;
  #roundTrips = 0;

  constructor(client: Redis | Cluster, options: RedisStateStoreOptions) {
    assertKeyPrefix(options.prefix);
    if (!Number.isSafeInteger(options.stateTtlSeconds) || options.stateTtlSeconds <= 0) {
      throw new RangeError(`stateTtlSeconds must be a positive integer, got ${options.stateTtlSeconds}`);
    }
    if (client instanceof Cluster && client.options.enableAutoPipelining !== true) {
      // Without it every command of a batch would be its own request.
      throw new Error('RedisStateStore on a Redis Cluster needs the client option enableAutoPipelining: true');
    }
    this.#client = client;
    this.#prefix = options.prefix;
    this.#stateTtlSeconds = options.stateTtlSeconds;
    client.defineCommand(COMMIT_STATE_COMMAND, { numberOfKeys: 1, lua: COMMIT_STATE_LUA });
    client.defineCommand(COMMIT_STATES_COMMAND, { lua: COMMIT_STATES_LUA });
    client.defineCommand(LOAD_HOUSEHOLDS_COMMAND, { lua: LOAD_HOUSEHOLDS_LUA });
    client.defineCommand(CLAIM_PARTITIONS_COMMAND, { lua: CLAIM_PARTITIONS_LUA });
  }

  /** Batches sent so far: one per call that had something to send. */
  get roundTrips(): number {
    return this.#roundTrips;
  }

  async load(customerIds: readonly string[]): Promise<Map<string, LoadedCustomer>> {
    const ids = [...new Set(customerIds)];
    const loaded = new Map<string, LoadedCustomer>();
    if (ids.length === 0) return loaded;
    const stateKeys = ids.map((id) => stateKey(this.#prefix, id));
    const profileKeys = ids.map((id) => profileKey(this.#prefix, id));
    let values: unknown[];
    if (this.#client instanceof Cluster) {
      const commands = [...stateKeys, ...profileKeys].map((key): Command => (sink) => sink.getBuffer(key));
      values = (await this.#send('load', commands)).map(([, value]) => value);
    } else {
      const [reply] = await this.#send('load', [(sink) => sink.mgetBuffer(...stateKeys, ...profileKeys)]);
      values = Array.isArray(reply?.[1]) ? reply[1] : [];
      if (values.length !== 2 * ids.length) throw new Error(`Redis load: MGET answered ${values.length} values for ${2 * ids.length} keys`);
    }
    ids.forEach((id, index) => loaded.set(id, this.#decodeCustomer(id, values[index], values[ids.length + index])));
    return loaded;
  }

  /** A customer as stored: its state (with revision) and profile values, either possibly absent. */
  #decodeCustomer(customerId: string, stateValue: unknown, profileValue: unknown): LoadedCustomer {
    const key = stateKey(this.#prefix, customerId);
    const stored = bufferOrNull(key, stateValue);
    const storedProfile = bufferOrNull(profileKey(this.#prefix, customerId), profileValue);
    const { rev, state } = stored === null ? { rev: 0, state: undefined } : decodeStoredState(key, stored);
    const profile = storedProfile === null ? undefined : parseProfile(profileKey(this.#prefix, customerId), storedProfile);
    return { rev, state, profile };
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
    const ttl = this.#stateTtlSeconds;
    const keys = writes.map((write) => stateKey(this.#prefix, write.customerId));
    const values = await encodedInTurns(writes);
    const fenceKeys = fences.map(({ scope }) => ownerKey(this.#prefix, scope));
    // after the states in the pipeline: a reader who sees the watermark sees the states that passed it
    const timerCommands = [...timerCommandsOf(this.#prefix, timers), ...watermarks.map(({ scope, day }): Command => (sink) => sink.zadd(watermarksKey(this.#prefix), 'GT', day, scope))];
    let written: number[];
    if (this.#client instanceof Cluster) {
      // A script cannot read another slot's key, so on a Cluster the generations are read in a round trip of their
      // own before the writes: a stale owner writes nothing, and a take-over that falls between the two round trips
      // is left to the revision check (the stale owner's write passes only where nobody newer wrote the customer).
      if (fenceKeys.length > 0) {
        const generations = await this.#send('commit', fenceKeys.map((key): Command => (sink) => sink.get(key)));
        const fenced = fences.filter((fence, index) => generations[index]?.[1] !== String(fence.generation)).map(({ scope }) => scope);
        if (fenced.length > 0) throw new PartitionFencedError(fenced);
      }
      const writeCommands = writes.map(
        (write, index): Command =>
          (sink) => sink.tidewatchCommitState(keys[index]!, String(write.expectedRev), values[index]!, ttl),
      );
      const replies = await this.#send('commit', [...writeCommands, ...timerCommands]);
      written = writes.map((_, index) => integer(keys[index]!, replies[index]?.[1]));
    } else {
      // keys, then ARGV as COMMIT_STATES_LUA reads it, in one array (no pair per write)
      const keysAndArgs: (string | Buffer | number)[] = [...fenceKeys, ...keys, ttl, fences.length];
      for (const { generation } of fences) keysAndArgs.push(String(generation));
      for (let index = 0; index < writes.length; index += 1) keysAndArgs.push(String(writes[index]!.expectedRev), values[index]!);
      const checked = writes.length > 0 || fences.length > 0;
      const writeCommands: Command[] = checked ? [(sink) => sink.tidewatchCommitStates(fenceKeys.length + keys.length, ...keysAndArgs)] : [];
      const replies = await this.#send('commit', [...writeCommands, ...timerCommands]);
      const flags = checked ? replies[0]?.[1] : [0];
      if (!Array.isArray(flags)) throw new Error(`Redis commit: the script answered ${String(flags)}`);
      const fencedAt = integer('(fences)', flags[0]);
      if (fencedAt > 0) throw new PartitionFencedError([fences[fencedAt - 1]?.scope ?? '(unknown)']);
      if (flags.length !== writes.length + 1) throw new Error(`Redis commit: the script answered ${flags.length - 1} flags for ${writes.length} writes`);
      written = flags.slice(1).map((flag, index) => integer(keys[index]!, flag));
    }
    return { conflicts: writes.filter((_, index) => written[index] === 0).map((write) => write.customerId) };
  }

  async claimPartitions(claims: ReadonlyArray<{ scope: string; previous: number | undefined }>): Promise<PartitionClaim[]> {
    if (claims.length === 0) return [];
    const keys = claims.map(({ scope }) => ownerKey(this.#prefix, scope));
    const previous = claims.map((claim) => (claim.previous === undefined ? '' : String(claim.previous)));
    // one call for all on a standalone server; one per partition on a Cluster (each owner key is its own slot)
    const calls: Array<{ keys: string[]; previous: string[] }> =
      this.#client instanceof Cluster ? keys.map((key, index) => ({ keys: [key], previous: [previous[index]!] })) : [{ keys, previous }];
    const replies = await this.#send('claimPartitions', calls.map((call): Command => (sink) => sink.tidewatchClaimPartitions(call.keys.length, ...call.keys, ...call.previous)));
    const flat = replies.flatMap(([, value]) => (Array.isArray(value) ? value : []));
    if (flat.length !== 2 * claims.length) throw new Error(`Redis claimPartitions: answered ${flat.length} values for ${claims.length} partitions`);
    return claims.map(({ scope }, index) => ({ scope, generation: integer(keys[index]!, flat[2 * index]), kept: integer(keys[index]!, flat[2 * index + 1]) === 1 }));
  }

  async putProfiles(profiles: ReadonlyArray<{ customerId: string; profile: CustomerProfile | null }>): Promise<void> {
    if (profiles.length === 0) return;
    const commands = profiles.flatMap(({ customerId, profile }): Command[] => {
      const key = profileKey(this.#prefix, customerId);
      if (profile === null) {
        // An erasure removes everything tidewatch holds on the customer; both keys share the customer's slot.
        const state = stateKey(this.#prefix, customerId);
        return [(sink) => sink.del(key, state)];
      }
      const value = encodeProfile(profile);
      const stored: Command = (sink) => sink.set(key, value);
      if (profile.householdId === null) return [stored];
      // a member who moves out stays listed until a read finds its profile elsewhere (loadHouseholds drops it then)
      const household = householdMembersKey(this.#prefix, profile.householdId);
      return [stored, (sink) => sink.sadd(household, customerId)];
    });
    await this.#send('putProfiles', commands);
  }

  async loadHouseholds(householdIds: readonly string[]): Promise<Map<string, HouseholdMember[]>> {
    const ids = [...new Set(householdIds)];
    if (ids.length === 0) return new Map();
    const keys = ids.map((id) => householdMembersKey(this.#prefix, id));
    const loaded = this.#client instanceof Cluster ? await this.#loadHouseholdsInRounds(ids, keys) : await this.#loadHouseholdsAtOnce(ids, keys);
    const { households, stale } = checkedMembers(loaded.listed, loaded.customers);
    if (stale.length > 0) {
      await this.#send('loadHouseholds', stale.map(({ householdId, customerId }): Command => (sink) => sink.srem(householdMembersKey(this.#prefix, householdId), customerId)));
    }
    return households;
  }

  /** One script call: the member sets and every member's state and profile (a standalone server). */
  async #loadHouseholdsAtOnce(ids: readonly string[], keys: readonly string[]): Promise<ListedHouseholds> {
    const [stateBefore, stateAfter] = stateKey(this.#prefix, ID_MARK).split(ID_MARK) as [string, string];
    const [profileBefore, profileAfter] = profileKey(this.#prefix, ID_MARK).split(ID_MARK) as [string, string];
    const [reply] = await this.#send('loadHouseholds', [
      (sink) => sink.tidewatchLoadHouseholdsBuffer(keys.length, ...keys, stateBefore, stateAfter, profileBefore, profileAfter),
    ]);
    const flat = reply?.[1];
    if (!Array.isArray(flat)) throw new Error('Redis loadHouseholds: the script answered no array');
    const listed = new Map<string, string[]>();
    const customers = new Map<string, LoadedCustomer>();
    let at = 0;
    for (const id of ids) {
      const count = integer(keys[listed.size]!, flat[at++]);
      const members: string[] = [];
      for (let member = 0; member < count; member += 1) {
        const customerId = bufferOrNull(keys[listed.size]!, flat[at++])?.toString('utf8') ?? '';
        members.push(customerId);
        customers.set(customerId, this.#decodeCustomer(customerId, flat[at++], flat[at++]));
      }
      listed.set(id, members);
    }
    return { listed, customers };
  }

  /** SMEMBERS of every set, then one load of the members: two rounds (a Cluster, whose slots a script cannot span). */
  async #loadHouseholdsInRounds(ids: readonly string[], keys: readonly string[]): Promise<ListedHouseholds> {
    const replies = await this.#send('loadHouseholds', keys.map((key): Command => (sink) => sink.smembers(key)));
    const listed = new Map(ids.map((id, index) => [id, stringArray(keys[index]!, replies[index])]));
    return { listed, customers: await this.load([...listed.values()].flat()) };
  }

  async dueTimers(scope: string, upTo: number, limit: number): Promise<DueTimer[]> {
    assertValidLimit(limit);
    if (Number.isNaN(upTo)) throw new RangeError('upTo must be a number');
    if (limit === 0) return [];
    const key = timersKey(this.#prefix, scope);
    const max = upTo === Infinity ? '+inf' : upTo === -Infinity ? '-inf' : String(upTo);
    const [reply] = await this.#send('dueTimers', [
      (sink) => sink.zrange(key, '-inf', max, 'BYSCORE', 'LIMIT', 0, limit, 'WITHSCORES'),
    ]);
    const flat = stringArray(key, reply);
    const due: DueTimer[] = [];
    for (let index = 0; index + 1 < flat.length; index += 2) {
      const score = Number(flat[index + 1]);
      if (!Number.isFinite(score)) throw new CorruptStoredValueError(key, `timer score ${flat[index + 1]}`);
      due.push({ customerId: flat[index] ?? '', due: score });
    }
    return due;
  }

  async watermarks(): Promise<Map<string, number>> {
    const key = watermarksKey(this.#prefix);
    const [reply] = await this.#send('watermarks', [(sink) => sink.zrange(key, '-inf', '+inf', 'BYSCORE', 'LIMIT', 0, 100_000, 'WITHSCORES')]);
    const flat = stringArray(key, reply);
    const marks = new Map<string, number>();
    for (let index = 0; index + 1 < flat.length; index += 2) marks.set(flat[index]!, Number(flat[index + 1]));
    return marks;
  }

  async close(): Promise<void> {
    await this.#client.quit();
  }

  /** One round trip: every command of the batch goes out before any reply is awaited. */
  async #send(operation: string, commands: readonly Command[]): Promise<Reply[]> {
    this.#roundTrips += 1;
    const client = this.#client;
    let replies: Reply[];
    if (client instanceof Cluster) {
      // Issued in one tick: ioredis auto-pipelining groups them into one pipeline per node.
      replies = await Promise.all(
        commands.map((command) =>
          Promise.resolve(command(client)).then(
            (value): Reply => [null, value],
            (error: unknown): Reply => [toError(error), null],
          ),
        ),
      );
    } else {
      const pipeline = client.pipeline();
      for (const command of commands) command(pipeline);
      const results = await pipeline.exec();
      if (results === null) throw new Error(`Redis ${operation}: the pipeline was discarded`);
      replies = results;
    }
    const failed = replies.filter(([error]) => error !== null);
    const first = failed[0]?.[0];
    if (first != null) {
      throw new Error(`Redis ${operation}: ${failed.length} of ${replies.length} commands failed: ${first.message}`, {
        cause: first,
      });
    }
    return replies;
  }
}


/** States encoded between two turns of the event loop (about 10-30 ms of work on a busy two-core machine). */
const ENCODES_PER_TURN = 500;

/**
 * The stored bytes of each write's state, the event loop let run every ENCODES_PER_TURN states: a unit at saturation
 * writes thousands of customers, and encoding them all at once held the loop for a hundred milliseconds and more.
 */
async function encodedInTurns(writes: readonly StateWrite[]): Promise<Buffer[]> {
  const values: Buffer[] = [];
  for (const write of writes) {
    if (values.length > 0 && values.length % ENCODES_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    values.push(encodeStoredState(write.state));
  }
  return values;
}

/** Stands for the customer id when a key is split around it (no customer id holds a NUL). */
const ID_MARK = '\u0000';

interface ListedHouseholds {
  /** householdId → the customer ids its member set lists. */
  listed: Map<string, string[]>;
  customers: Map<string, LoadedCustomer>;
}

function assertValidLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Replies are checked where they enter: a reply of an unexpected shape is a bug or a foreign value, never guessed at.

function parseProfile(key: string, stored: Buffer): CustomerProfile {
  try {
    return decodeProfile(stored);
  } catch (error) {
    throw new CorruptStoredValueError(key, `not a stored profile (${errorMessage(error)})`, { cause: error });
  }
}

/** One ZADD and one ZREM per timer set, whatever the number of customers; a customer's last change wins. */
function timerCommandsOf(prefix: string, timers: readonly TimerChange[]): Command[] {
  // grouped by scope (a unit's timers share a few scope strings), each set's key built once
  const latest = new Map<string, Map<string, number | null>>();
  for (const { scope, customerId, due } of timers) {
    let changes = latest.get(scope);
    if (changes === undefined) {
      changes = new Map<string, number | null>();
      latest.set(scope, changes);
    }
    changes.delete(customerId); // keep the last change, in the order the changes came
    changes.set(customerId, due);
  }
  const commands: Command[] = [];
  for (const [scope, changes] of latest) {
    const key = timersKey(prefix, scope);
    const scoresAndMembers: (string | number)[] = [];
    const removed: string[] = [];
    for (const [customerId, due] of changes) {
      if (due === null) removed.push(customerId);
      else scoresAndMembers.push(due, customerId);
    }
    if (scoresAndMembers.length > 0) commands.push((sink) => sink.zadd(key, ...scoresAndMembers));
    if (removed.length > 0) commands.push((sink) => sink.zrem(key, ...removed));
  }
  return commands;
}

function bufferOrNull(key: string, value: unknown): Buffer | null {
  if (value === null || Buffer.isBuffer(value)) return value;
  throw new Error(`Redis GET ${key}: unexpected reply ${typeof value}`);
}


function integer(key: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new Error(`Redis reply for ${key}: expected an integer, got ${typeof value}`);
}

function stringArray(key: string, reply: Reply | undefined): string[] {
  const value = reply?.[1];
  if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) return value;
  throw new Error(`Redis read of ${key}: unexpected reply`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
