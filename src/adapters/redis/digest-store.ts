import type { Cluster, ClientContext, Redis, Result } from 'ioredis';
import type { z } from 'zod';
import { alertIdsOf } from '../../core/digest.ts';
import { alertSchema } from '../../domain/alert.ts';
import type { Alert } from '../../domain/alert.ts';
import { rmDigestSchema } from '../../domain/digest.ts';
import type { RmDigest } from '../../domain/digest.ts';
import { assertKeyPrefix, digestKey } from './keys.ts';

/**
 * What the digest stage keeps in Redis, per partition of the routine topic (`scope` = `<topic>:<partition>`, the
 * Cluster hash tag, so that each script below runs on one slot and is atomic):
 *
 * - `pending`  hash: alertId → the Alert as JSON, waiting for its queue's next digest
 * - `applied`  string: the last offset of the partition stored; records at or below it are not stored again
 * - `digested` sorted set: alertId, scored by when its digest was cut; an alert re-sent by the service (at another
 *              offset) is not listed in a second digest. Entries older than the dedup period are trimmed.
 * - `cuts`     hash: queue → the flush instant of its latest digest (a queue is cut once per flush)
 * - `outbox`   hash: digestId → the RmDigest as JSON, from its cut until Kafka has it
 */

const ADD_PENDING_COMMAND = 'tidewatchDigestAddPending';
const STAGE_COMMAND = 'tidewatchDigestStage';

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    /** Defined by RedisDigestStore: ADD_PENDING_LUA; answers [stored, duplicate, already digested, already applied]. */
    tidewatchDigestAddPending(pending: string, applied: string, digested: string, ...args: (string | number)[]): Result<number[], Context>;
    /** Defined by RedisDigestStore: STAGE_LUA; answers [staged digest ids, stale digest ids]. */
    tidewatchDigestStage(pending: string, cuts: string, outbox: string, digested: string, ...args: (string | number)[]): Result<[string[], string[]], Context>;
  }
}

/**
 * KEYS pending, applied, digested; ARGV[1] the batch's last offset, then per record: offset, alertId, alert JSON.
 * A record at or below the applied offset was stored before (a re-read); an alert already digested or already
 * pending is not stored again. The applied offset moves to the batch's last one in the same step.
 */
const ADD_PENDING_LUA = `
local applied = tonumber(redis.call('GET', KEYS[2]) or '-1')
local stored, duplicate, digested, replayed = 0, 0, 0, 0
for i = 2, #ARGV, 3 do
  if tonumber(ARGV[i]) <= applied then
    replayed = replayed + 1
  elseif redis.call('ZSCORE', KEYS[3], ARGV[i + 1]) then
    digested = digested + 1
  elseif redis.call('HSETNX', KEYS[1], ARGV[i + 1], ARGV[i + 2]) == 1 then
    stored = stored + 1
  else
    duplicate = duplicate + 1
  end
end
if tonumber(ARGV[1]) > applied then
  redis.call('SET', KEYS[2], ARGV[1])
end
return { stored, duplicate, digested, replayed }
`;

/**
 * KEYS pending, cuts, outbox, digested; ARGV[1] now (the digested score), ARGV[2] forget digested ids scored below
 * this, then per digest: queue, cut, digestId, digest JSON, n, then its n alert ids. A digest is staged (into the
 * outbox, its alerts out of pending and into digested, the queue's cut recorded) only if its queue was not cut at
 * that flush or later and every one of its alerts is still pending: a second instance that read the same pending
 * alerts (a zombie after a rebalance) then stages nothing, and no alert is listed twice.
 */
const STAGE_LUA = `
local staged, stale = {}, {}
local i = 3
while i <= #ARGV do
  local queue, cut, id, payload, n = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2], ARGV[i + 3], tonumber(ARGV[i + 4])
  local last = redis.call('HGET', KEYS[2], queue)
  local fresh = (not last) or tonumber(last) < cut
  for j = 1, n do
    if fresh and redis.call('HEXISTS', KEYS[1], ARGV[i + 4 + j]) == 0 then fresh = false end
  end
  if fresh then
    redis.call('HSET', KEYS[3], id, payload)
    for j = 1, n do
      redis.call('HDEL', KEYS[1], ARGV[i + 4 + j])
      redis.call('ZADD', KEYS[4], ARGV[1], ARGV[i + 4 + j])
    end
    redis.call('HSET', KEYS[2], queue, ARGV[i + 1])
    table.insert(staged, id)
  else
    table.insert(stale, id)
  end
  i = i + 5 + n
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[2])
return { staged, stale }
`;

export interface PendingRecord {
  offset: number;
  alert: Alert;
}

export interface AddPendingResult {
  stored: number;
  duplicate: number;
  alreadyDigested: number;
  alreadyApplied: number;
}

export interface PendingView {
  pending: Alert[];
  /** Queue → flush instant of its latest digest. */
  lastCuts: Map<string, number>;
}

export interface RedisDigestStoreOptions {
  prefix: string;
  /** How long digested alert ids are remembered (ms). */
  dedupMs: number;
}

export class StoredDigestShapeError extends Error {
  override readonly name = 'StoredDigestShapeError';
}

export class RedisDigestStore {
  readonly #client: Redis | Cluster;
  readonly #prefix: string;
  readonly #dedupMs: number;

  constructor(client: Redis | Cluster, options: RedisDigestStoreOptions) {
    assertKeyPrefix(options.prefix);
    if (!Number.isSafeInteger(options.dedupMs) || options.dedupMs <= 0) throw new RangeError(`dedupMs must be a positive integer, got ${options.dedupMs}`);
    this.#client = client;
    this.#prefix = options.prefix;
    this.#dedupMs = options.dedupMs;
    client.defineCommand(ADD_PENDING_COMMAND, { numberOfKeys: 3, lua: ADD_PENDING_LUA });
    client.defineCommand(STAGE_COMMAND, { numberOfKeys: 4, lua: STAGE_LUA });
  }

  /** Stores a batch of one partition (its last offset included, even when all its records were dead letters). */
  async addPending(scope: string, lastOffset: number, records: readonly PendingRecord[]): Promise<AddPendingResult> {
    const args = records.flatMap(({ offset, alert }) => [offset, alert.alertId, JSON.stringify(alert)]);
    const key = (part: Parameters<typeof digestKey>[2]) => digestKey(this.#prefix, scope, part);
    const [stored = 0, duplicate = 0, alreadyDigested = 0, alreadyApplied = 0] = await this.#client.tidewatchDigestAddPending(
      key('pending'),
      key('applied'),
      key('digested'),
      lastOffset,
      ...args,
    );
    return { stored, duplicate, alreadyDigested, alreadyApplied };
  }

  /** The partition's pending alerts and its queues' latest cuts, in one round trip. */
  async pending(scope: string): Promise<PendingView> {
    const pendingKey = digestKey(this.#prefix, scope, 'pending');
    const [entries, cuts] = await Promise.all([this.#client.hgetall(pendingKey), this.#client.hgetall(digestKey(this.#prefix, scope, 'cuts'))]);
    return {
      pending: Object.entries(entries).map(([alertId, json]) => parseStored(pendingKey, alertId, json, alertSchema)),
      lastCuts: new Map(Object.entries(cuts).map(([queue, cut]) => [queue, Number(cut)])),
    };
  }

  async pendingCount(scope: string): Promise<number> {
    return this.#client.hlen(digestKey(this.#prefix, scope, 'pending'));
  }

  /**
   * In one atomic step per partition: each digest into the outbox, its alerts out of pending and remembered as
   * digested, its queue's cut recorded. Answers the ids staged and the ones refused as stale (see STAGE_LUA).
   */
  async stage(scope: string, digests: readonly RmDigest[], now: number): Promise<{ staged: string[]; stale: string[] }> {
    if (digests.length === 0) return { staged: [], stale: [] };
    const args = digests.flatMap((digest) => {
      const ids = alertIdsOf(digest);
      return [digest.queue, digest.windowEnd, digest.digestId, JSON.stringify(digest), ids.length, ...ids];
    });
    const key = (part: Parameters<typeof digestKey>[2]) => digestKey(this.#prefix, scope, part);
    const [staged, stale] = await this.#client.tidewatchDigestStage(
      key('pending'),
      key('cuts'),
      key('outbox'),
      key('digested'),
      now,
      now - this.#dedupMs,
      ...args,
    );
    return { staged, stale };
  }

  /** Digests cut but not yet known to be in Kafka: after a crash, the very records to send again. */
  async outbox(scope: string): Promise<RmDigest[]> {
    const outboxKey = digestKey(this.#prefix, scope, 'outbox');
    const entries = await this.#client.hgetall(outboxKey);
    return Object.entries(entries)
      .map(([digestId, json]) => parseStored(outboxKey, digestId, json, rmDigestSchema))
      .sort((left, right) => left.windowEnd - right.windowEnd || (left.queue < right.queue ? -1 : left.queue > right.queue ? 1 : 0));
  }

  /** Delivered: out of the outbox. */
  async clearOutbox(scope: string, digestIds: readonly string[]): Promise<void> {
    if (digestIds.length > 0) await this.#client.hdel(digestKey(this.#prefix, scope, 'outbox'), ...digestIds);
  }
}

/** Our own records, but Redis is shared: a value that does not parse fails loudly, naming its key and field. */
function parseStored<T>(key: string, field: string, json: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new StoredDigestShapeError(`${key} field ${field}: not JSON`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new StoredDigestShapeError(`${key} field ${field}: ${problems.join('; ')}`);
  }
  return parsed.data;
}
