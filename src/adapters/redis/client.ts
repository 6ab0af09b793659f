import { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.ts';

/** One connection per process; ioredis reconnects by itself and queues commands meanwhile. */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true });
  redis.on('error', (error: Error) => logger.warn({ component: 'redis', err: error.message }, 'redis connection error'));
  return redis;
}

/** A readiness probe must answer quickly: a PING that ioredis queues behind a reconnect counts as no answer. */
export async function redisAnswers(redis: Redis, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((pong) => pong === 'PONG', () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
