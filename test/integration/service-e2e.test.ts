import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { CampaignOpportunity } from '../../src/domain/opportunity.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startService } from '../../src/service/service.ts';
import { Redis } from 'ioredis';
import { RedisStateStore } from '../../src/adapters/redis/state-store.ts';
import type { RunningService } from '../../src/service/service.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, keyedProducer, produceInputs, readTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import { DAY, MONTH_START, interest, posting, profile, scriptedMonth } from '../support/scenario.ts';
import { createServiceTopics, serviceEnv } from '../support/service-env.ts';
import { featuresTokensFile } from '../support/features-tokens.ts';
import type { ServiceTopics } from '../support/service-env.ts';

/** The service in this process, with a clock the test moves. */
async function startWithClock(env: Record<string, string>, clock: () => number): Promise<RunningService> {
  return startService(parseEnv({ ...env, TIDEWATCH_HTTP_PORT: '0', TIDEWATCH_HTTP_HOST: '127.0.0.1' }), createLogger('warn'), { clock });
}

const summary = (alert: Alert) => `${alert.queue}|${alert.customerId}|${alert.kind}|${alert.priority}`;

describeIntegration('tidewatch run: alerts to the right queues', (context) => {
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let topics: ServiceTopics;
  let service: RunningService | undefined;
  let now = MONTH_START + 25 * DAY;
  const tokens = featuresTokensFile();
  const env = serviceEnv(context, { TIDEWATCH_FEATURES_TOKENS_FILE: tokens.path });

  beforeAll(async () => {
    topics = await createServiceTopics(context, 3);
    kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    producer = keyedProducer(kafka);
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    service = await startWithClock(env, () => now);
  });

  afterAll(async () => {
    await service?.stop();
    await producer?.disconnect();
    await admin?.disconnect();
  });

  it('routes each case of the scripted month to exactly the RM queue, risk feed and campaign feed it belongs on', async () => {
    const { profiles, transactions } = scriptedMonth();
    // reference data first, as a bank loads it; the service then routes by it
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { profiles });
    await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.profiles);
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { transactions });
    await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.transactions);

    const rm = await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, topics.rmAlerts);
    const risk = await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, topics.risk);
    const campaign = await readTopic<CampaignOpportunity>(kafka, context.endpoints.schemaRegistryUrl, topics.campaign);

    expect(rm.map((record) => summary(record.value)).sort()).toEqual([
      'rm-1|c-noconsent|LARGE_INFLOW|HIGH',
      'rm-1|c-plat|LARGE_OUTFLOW|URGENT',
      'rm-2|c-gold|CUMULATIVE_INFLOW|HIGH',
    ]);
    // keyed by RM queue: each RM's alerts sit on one partition, in order
    expect(rm.every((record) => record.key === record.value.queue)).toBe(true);
    expect(risk.map((record) => `${record.value.customerId}|${record.value.kind}|${record.value.toCompetitor}`).sort()).toEqual([
      'c-leak|LEAKAGE|true',
      'c-orphan|LARGE_OUTFLOW|false',
      'c-plat|LARGE_OUTFLOW|true',
    ]);
    expect(campaign.map((record) => `${record.value.customerId}|${record.value.kind}`)).toEqual(['c-gold|CUMULATIVE_INFLOW']);
    // a customer without a profile is routed to the unassigned queue, never nowhere
    expect(risk.find((record) => record.value.customerId === 'c-orphan')!.value).toMatchObject({ queue: 'UNASSIGNED', rmId: null });

    const withdrawal = rm.find((record) => record.value.customerId === 'c-plat')!.value;
    expect(withdrawal).toMatchObject({ rmId: 'rm-1', tier: 'PLATINUM', counterpartyKind: 'OTHER_BANK', currency: 'CZK', amountAtStakeMinor: 900_000_00 });
    expect(withdrawal.reason).toBe('Near-total withdrawal: 850,000.00 CZK to another bank; 50,000.00 CZK left, 6% of the usual 900,000.00 CZK');
    expect(withdrawal.evidence).toContainEqual({ metric: 'share_of_relationship_balance', unit: 'BASIS_POINTS', value: 9444, threshold: 5000, baseline: null });
    expect(withdrawal.evidence).toContainEqual(expect.objectContaining({ metric: 'amount', value: 850_000_00, threshold: 500_000_00 }));
    // the same alert, same id, on the RM queue and the risk feed
    expect(risk.find((record) => record.value.customerId === 'c-plat')!.value).toEqual(withdrawal);
    const tranches = rm.find((record) => record.value.customerId === 'c-gold')!.value;
    expect(tranches.evidence).toContainEqual(expect.objectContaining({ metric: 'inflow_7d', value: 240_000_00, threshold: 200_000_00 }));
    expect(campaign[0]!.value.opportunityId).toBe(tranches.alertId);
    expect(campaign.map((record) => record.value.customerId)).not.toContain('c-noconsent');
  });

  it('serves the rolling features of a customer over HTTP', async () => {
    const baseUrl = `http://127.0.0.1:${service!.httpPort}`;
    // customer data only for a bearer token
    expect((await fetch(`${baseUrl}/customers/c-gold/features`)).status).toBe(401);
    const response = await fetch(`${baseUrl}/customers/c-gold/features`, { headers: tokens.headers });
    expect(response.status).toBe(200);
    const features = (await response.json()) as Record<string, unknown>;
    expect(features).toMatchObject({
      customerId: 'c-gold',
      totalBalanceMinor: 390_000_00,
      inflowMinor: expect.objectContaining({ '30d': expect.objectContaining({ OTHER_BANK: 240_000_00 }) }),
      profile: { rmId: 'rm-2', servedTier: 'GOLD', branchId: 'branch-prague-1', status: 'ACTIVE' },
    });
    expect((await fetch(`${baseUrl}/customers/nobody/features`, { headers: tokens.headers })).status).toBe(404);
  });

  it('fires dormancy stages from timers with no new transaction, and they survive a restart', async () => {
    const quiet = [profile('c-sleeper', { rmId: 'rm-3', servedTier: 'GOLD' })];
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { profiles: quiet });
    await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.profiles);
    // last customer-initiated activity on day 2; afterwards only interest postings from the bank
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, {
      transactions: [
        posting('c-sleeper', 2, { amountMinor: 1_000_00, direction: 'DEBIT', balanceAfterMinor: 250_000_00, category: 'CARD' }),
        interest('c-sleeper', 24, 250_100_00),
      ],
    });
    await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.transactions);
    const dormancyAlerts = async () =>
      (await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, topics.rmAlerts)).filter(
        (record) => record.value.kind === 'DORMANCY' && record.value.customerId === 'c-sleeper',
      );
    expect(await dormancyAlerts()).toEqual([]);

    now = MONTH_START + 2 * DAY + 61 * DAY; // 61 days of silence: stage 1 (60 days)
    await expect.poll(async () => (await dormancyAlerts()).length, { timeout: 20_000, interval: 300 }).toBe(1);

    await service!.stop();
    now = MONTH_START + 2 * DAY + 200 * DAY; // past 90 and 180 days while nothing ran
    service = await startWithClock(env, () => now);
    // the later stages are judged by the timer that survived the restart, and recorded: one RM alert per silence
    const redis = new Redis(context.endpoints.redisUrl);
    const store = new RedisStateStore(redis, { prefix: env.TIDEWATCH_REDIS_PREFIX!, stateTtlSeconds: 86_400 });
    const stage = async () => (await store.load(['c-sleeper'])).get('c-sleeper')?.state?.dormancy.stage;
    await expect.poll(stage, { timeout: 30_000, interval: 300 }).toBe(3);
    redis.disconnect();
    expect(await dormancyAlerts()).toHaveLength(1);

    const [first] = (await dormancyAlerts()).map((record) => record.value);
    expect(first).toMatchObject({ customerId: 'c-sleeper', queue: 'rm-3', eventTime: MONTH_START + 2 * DAY + 60 * DAY });
    expect(first!.reason).toContain('no customer-initiated activity for 60 days');
    expect(first!.reason).toContain('only bank postings (interest, fees) since');
  });
});
