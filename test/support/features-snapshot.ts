import { Redis } from 'ioredis';
import { RedisStateStore } from '../../src/adapters/redis/state-store.ts';
import { businessCalendar } from '../../src/core/calendar.ts';
import { featureView } from '../../src/core/features.ts';
import { loadRules } from '../../src/core/rules.ts';

/**
 * What a pass over the input leaves in Redis, per customer: the features as of a fixed instant and the state that
 * decides future features and alerts. Left out: the revision (it counts writes, which depend on batch boundaries)
 * and the outbox (the alerts of the latest batch, kept for re-delivery).
 */
export async function featuresSnapshot(redisUrl: string, prefix: string, customerIds: readonly string[], asOf: number) {
  const rules = loadRules('rules/default.yaml');
  const calendar = businessCalendar(rules.timeZone);
  const redis = new Redis(redisUrl);
  const store = new RedisStateStore(redis, { prefix, stateTtlSeconds: 86_400 });
  try {
    const loaded = await store.load(customerIds);
    return Object.fromEntries(
      customerIds.map((customerId) => {
        const state = loaded.get(customerId)?.state;
        if (state === undefined) return [customerId, null];
        const { rev: _rev, outbox: _outbox, ...decisive } = state;
        return [customerId, { features: featureView(state, asOf, calendar, null), state: decisive }];
      }),
    );
  } finally {
    await store.close();
  }
}
