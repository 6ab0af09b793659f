import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeIntegration } from '../support/integration.ts';

describeIntegration('redis plumbing', (context) => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(context.endpoints.redisUrl);
  });
  afterAll(() => redis.disconnect());

  it('round-trips a hash through a pipeline in one round trip', async () => {
    const key = `${context.redisPrefix}customer:{c-1}:features`;
    const results = await redis
      .pipeline()
      .hset(key, { balanceMinor: '1250000', lastOffset: '41' })
      .pexpire(key, 60_000)
      .hgetall(key)
      .exec();
    expect(results?.map(([error]) => error)).toEqual([null, null, null]);
    expect(results?.[2]?.[1]).toEqual({ balanceMinor: '1250000', lastOffset: '41' });
    expect(await redis.pttl(key)).toBeGreaterThan(0);
  });
});
