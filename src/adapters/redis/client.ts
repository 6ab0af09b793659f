import { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.ts';

/** One connection per process; ioredis reconnects by itself and queues commands meanwhile. */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true });
  redis.on('error', (error: Error) => logger.warn({ component: 'redis', err: error.message }, 'redis connection error'));
  return redis;
}

export async function redisAnswers(redis: Redis): Promise<boolean> {
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
}
