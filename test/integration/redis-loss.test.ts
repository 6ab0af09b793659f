import type { Admin, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { registerValueSchema } from '../support/avro.ts';
import { transaction } from '../support/fixtures.ts';
import { describeIntegration } from '../support/integration.ts';
import { committedTotal, kafkaFor, keyedProducer, waitUntilConsumed } from '../support/kafka-io.ts';
import { startOwnRedis } from '../support/own-redis.ts';
import type { OwnRedis } from '../support/own-redis.ts';
import { createServiceTopics, serviceEnv } from '../support/service-env.ts';
import { counterValue, startServiceProcess, waitForStatus } from '../support/service-process.ts';
import type { ServiceProcess } from '../support/service-process.ts';

/**
 * Issue 11: a Redis that evicts, or that lost its data while the group's offsets stayed committed, is detected and
 * not trusted. Each case runs the real service against a redis-server of its own (never the shared one).
 */
describeIntegration('Redis that lost or evicts data', (context) => {
  let producer: Producer;
  let admin: Admin;
  let redis: OwnRedis | undefined;
  let service: ServiceProcess | undefined;
  const groupId = context.groupId('service');
  let encode: (value: ReturnType<typeof transaction>) => Promise<Buffer>;
  let topic: string;

  beforeAll(async () => {
    const topics = await createServiceTopics(context, 2);
    topic = topics.transactions;
    const kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    producer = keyedProducer(kafka);
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    const { registry, id } = await registerValueSchema(context.endpoints.schemaRegistryUrl, topic, 'Transaction.avsc');
    encode = (value) => registry.encode(id, value);
  }, 120_000);

  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await redis?.stop();
    redis = undefined;
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
  });

  const send = async (from: number, count: number) => {
    const records = Array.from({ length: count }, (_, index) =>
      transaction({ transactionId: `t-${from + index}`, customerId: `c-${(from + index) % 10}`, eventTime: Date.now() - 3_600_000 + from + index }),
    );
    await producer.send({ topic, acks: -1, messages: await Promise.all(records.map(async (record) => ({ key: record.customerId, value: await encode(record) }))) });
  };

  it('refuses to start against an evicting Redis, saying why', { timeout: 120_000 }, async () => {
    redis = await startOwnRedis(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
    await expect(startServiceProcess(serviceEnv(context, { REDIS_URL: redis.url, TIDEWATCH_GROUP_ID: context.groupId('evicting') }))).rejects.toThrow(
      /maxmemory-policy is allkeys-lru: it evicts keys/,
    );
  });

  it('stops being ready, and processing, when Redis starts evicting while it runs; recovers when it stops', { timeout: 120_000 }, async () => {
    redis = await startOwnRedis();
    service = await startServiceProcess(serviceEnv(context, { REDIS_URL: redis.url, TIDEWATCH_GROUP_ID: context.groupId('turns'), TIDEWATCH_REDIS_CHECK_INTERVAL_MS: '300' }));
    await waitForStatus(`${service.baseUrl}/readyz`, 200);
    await redis.client.config('SET', 'maxmemory-policy', 'volatile-lru');
    const refused = await waitForStatus(`${service.baseUrl}/readyz`, 503, 30_000);
    expect(((await refused.json()) as { checks: Record<string, boolean> }).checks.redisKeepsData).toBe(false);
    expect(counterValue(await (await fetch(`${service.baseUrl}/metrics`)).text(), 'tidewatch_redis_evicting', {})).toBe(1);
    // the log line and the readiness answer travel on different pipes: the line may come a moment after
    await expect.poll(() => service!.logLines.some((line) => line.includes('Redis evicts keys: not processing anything')), { timeout: 30_000, interval: 100 }).toBe(true);
    await redis.client.config('SET', 'maxmemory-policy', 'noeviction');
    await waitForStatus(`${service.baseUrl}/readyz`, 200, 30_000);
  });

  it('detects a FLUSHALL while it runs: the emptied partitions are not processed, readiness says so', { timeout: 180_000 }, async () => {
    redis = await startOwnRedis();
    service = await startServiceProcess(serviceEnv(context, { REDIS_URL: redis.url }));
    await send(0, 40);
    await waitUntilConsumed(admin, groupId, topic, 90_000);
    await waitForStatus(`${service.baseUrl}/readyz`, 200);
    const processed = await committedTotal(admin, groupId, topic);
    expect(processed).toBe(40n);

    await redis.client.flushall();
    await send(40, 40);
    const refused = await waitForStatus(`${service.baseUrl}/readyz`, 503, 60_000);
    expect(((await refused.json()) as { checks: Record<string, boolean> }).checks.partitionStatesPresent).toBe(false);
    await expect.poll(() => service!.logLines.some((line) => line.includes('partition refused: the consumer group has committed offsets but Redis holds no epoch')), { timeout: 30_000, interval: 100 }).toBe(true);
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    expect(counterValue(metrics, 'tidewatch_partition_state_lost', {})).toBeGreaterThan(0);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 3_000));
    // nothing of the refused partitions was committed, and no state was written from nothing
    expect(await committedTotal(admin, groupId, topic)).toBeLessThan(80n);
    const states = await redis.client.keys(`${context.redisPrefix}{c:*}:state`);
    expect(states.length).toBe(0);
  });
});
