import type { Redis } from 'ioredis';
import { profileKey, stateKey } from '../src/adapters/redis/keys.ts';
import type { Random } from './random.ts';
import { mean, percentile } from './stats.ts';

export interface RedisMemoryResult {
  sampled: number;
  /** Sampled customers that had a state key (all of them, when every customer transacted). */
  withState: number;
  stateMeanBytes: number;
  stateP95Bytes: number;
  stateAndProfileMeanBytes: number;
  stateAndProfileP95Bytes: number;
  /** The stored state value alone (STRLEN), without Redis's per-key overhead. */
  stateValueMeanBytes: number;
}

const asNumber = (reply: [Error | null, unknown] | undefined): number | undefined =>
  reply !== undefined && reply[0] === null && typeof reply[1] === 'number' ? reply[1] : undefined;

/** MEMORY USAGE (what Redis really spends: value, key and overhead) of a random sample of customers' keys. */
export async function measureRedisMemory(redis: Redis, prefix: string, customerIds: readonly string[], random: Random, sampleSize: number): Promise<RedisMemoryResult> {
  const sample = sampleOf(customerIds, random, sampleSize);
  const pipeline = redis.pipeline();
  for (const customerId of sample) {
    pipeline.call('MEMORY', 'USAGE', stateKey(prefix, customerId), 'SAMPLES', '0');
    pipeline.call('MEMORY', 'USAGE', profileKey(prefix, customerId), 'SAMPLES', '0');
    pipeline.strlen(stateKey(prefix, customerId));
  }
  const replies = (await pipeline.exec()) ?? [];
  const state: number[] = [];
  const both: number[] = [];
  const values: number[] = [];
  sample.forEach((_, index) => {
    const stateBytes = asNumber(replies[3 * index]);
    if (stateBytes === undefined) return; // nil: this customer has no state
    state.push(stateBytes);
    both.push(stateBytes + (asNumber(replies[3 * index + 1]) ?? 0));
    values.push(asNumber(replies[3 * index + 2]) ?? 0);
  });
  return {
    sampled: sample.length,
    withState: state.length,
    stateMeanBytes: mean(state),
    stateP95Bytes: percentile(state, 95),
    stateAndProfileMeanBytes: mean(both),
    stateAndProfileP95Bytes: percentile(both, 95),
    stateValueMeanBytes: mean(values),
  };
}

function sampleOf<T>(items: readonly T[], random: Random, size: number): T[] {
  const pool = [...items];
  const count = Math.min(size, pool.length);
  for (let index = 0; index < count; index += 1) {
    const other = index + Math.floor(random() * (pool.length - index));
    const chosen = pool[other];
    pool[other] = pool[index] as T;
    pool[index] = chosen as T;
  }
  return pool.slice(0, count);
}
