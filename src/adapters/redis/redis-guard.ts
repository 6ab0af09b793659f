import type { Cluster, Redis } from 'ioredis';

/**
 * Whether Redis keeps what it is given. An evicting `maxmemory-policy` (allkeys-* or volatile-*: every state key has
 * a TTL) drops customers' states under memory pressure, and the service would go on from nothing for them, which
 * it must not (issue 11). Only `noeviction` (writes fail loudly when memory is full) is safe.
 */
export async function maxmemoryPolicy(redis: Redis | Cluster): Promise<string> {
  try {
    const reply: unknown = await redis.config('GET', 'maxmemory-policy');
    if (Array.isArray(reply) && typeof reply[1] === 'string') return reply[1];
  } catch {
    // managed Redis and ACLs often forbid CONFIG: INFO says the same
  }
  const info = await redis.info('memory');
  const match = /^maxmemory_policy:(\S+)/m.exec(info);
  if (match?.[1] === undefined) throw new Error('Redis answers neither CONFIG GET maxmemory-policy nor INFO memory maxmemory_policy');
  return match[1];
}

/** Why Redis cannot be trusted with the state, or undefined. */
export function evictionProblem(policy: string): string | undefined {
  if (!/^(allkeys|volatile)-/.test(policy)) return undefined;
  return `Redis maxmemory-policy is ${policy}: it evicts keys under memory pressure, and an evicted customer state would be rebuilt from nothing; set maxmemory-policy noeviction (and enough maxmemory)`;
}

/**
 * Which of these epoch keys are missing, in one round trip: each key is on its own partition's slot, so they go as
 * single commands sent together (written back to back on the connection; on a Cluster auto-pipelined per node,
 * where one pipeline may not span slots).
 */
export async function missingKeys(redis: Redis | Cluster, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const counts = await eachKey(redis, keys, (target, key) => target.exists(key));
  return keys.filter((_, index) => counts[index] === 0);
}

/** Marks the epoch keys that are not there yet (SET NX), in one round trip, as missingKeys does. */
export async function markKeys(redis: Redis | Cluster, keys: readonly string[], value: string): Promise<void> {
  await eachKey(redis, keys, (target, key) => target.set(key, value, 'NX'));
}

async function eachKey<T>(redis: Redis | Cluster, keys: readonly string[], command: (target: Redis | Cluster, key: string) => Promise<T>): Promise<T[]> {
  return Promise.all(keys.map((key) => command(redis, key)));
}
