import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisStateStore } from '../adapters/redis/state-store.ts';
import { UnreachableError } from '../adapters/unreachable.ts';

/** A replay's keys outlive a crash by this much at most (the profile and timer keys are removed at the end). */
const REPLAY_STATE_TTL_SECONDS = 7 * 24 * 3600;

export interface RedisReplayStore {
  store: RedisStateStore;
  prefix: string;
  /** Removes every key under the replay's prefix (unless it was asked to keep them), and disconnects. */
  close(): Promise<void>;
}

/**
 * `--redis URL`: the replay's state in Redis under a prefix of its own (`tw-replay:<random>:`), so it cannot touch
 * a running service's keys nor another replay's.
 */
export async function openRedisReplayStore(url: string, options: { keep: boolean; prefix?: string }): Promise<RedisReplayStore> {
  const prefix = options.prefix ?? `tw-replay:${randomBytes(6).toString('hex')}:`;
  // no reconnecting at start: an unreachable Redis is reported at once, naming the address (password redacted)
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, retryStrategy: () => null });
  let lastError: Error | undefined;
  const remember = (error: Error) => {
    lastError = error;
  };
  client.on('error', remember);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new UnreachableError('Redis', url, (lastError ?? (error as Error)).message);
  }
  client.off('error', remember);
  // later on, reconnect as usual; a failing command rejects and ends the replay
  client.options.retryStrategy = (times: number) => Math.min(times * 200, 2_000);
  client.on('error', () => {});
  const store = new RedisStateStore(client, { prefix, stateTtlSeconds: REPLAY_STATE_TTL_SECONDS });
  return {
    store,
    prefix,
    async close() {
      try {
        if (!options.keep) await deleteKeys(client, `${prefix}*`);
      } finally {
        client.disconnect();
      }
    },
  };
}

async function deleteKeys(client: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
