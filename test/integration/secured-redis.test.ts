import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/adapters/redis/client.ts';
import { RedisDigestStore } from '../../src/adapters/redis/digest-store.ts';
import { RedisStateStore } from '../../src/adapters/redis/state-store.ts';
import { parseEnv } from '../../src/config/env.ts';
import { connectionsOf } from '../../src/config/security.ts';
import type { RedisConnection } from '../../src/config/security.ts';
import type { Alert } from '../../src/domain/alert.ts';
import { startService } from '../../src/service/service.ts';
import type { RunningService } from '../../src/service/service.ts';
import { kafkaFor, keyedProducer, produceInputs, readTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import { DAY, MONTH_START, scriptedMonth } from '../support/scenario.ts';
import { collectingLogger, describeSecured, redisEnv, secretsOf } from '../support/secured.ts';
import type { RedisTarget } from '../support/secured.ts';
import { createServiceTopics, serviceEnv } from '../support/service-env.ts';
import type { ServiceTopics } from '../support/service-env.ts';
import { startServiceProcess } from '../support/service-process.ts';
import { customerState, stateStoreContract } from '../support/state-store-contract.ts';

const STATE_TTL_SECONDS = 90 * 24 * 3600;
const summary = (alert: Alert) => `${alert.queue}|${alert.customerId}|${alert.kind}|${alert.priority}`;

describeSecured('secured Redis: TLS with ACL user, and a 3-master Cluster', (context, secured) => {
  const printed: string[] = [];
  const logger = collectingLogger(printed);
  const connectionTo = (target: RedisTarget): RedisConnection => connectionsOf(parseEnv(serviceEnv(context, redisEnv(secured, target)))).redis;

  describe.each(['cluster', 'tls'] as const)('state store contract on the %s Redis', (target) => {
    let testNumber = 0;
    stateStoreContract(() => {
      testNumber += 1;
      return new RedisStateStore(createRedis(connectionTo(target), logger), {
        prefix: `${context.redisPrefix}${target}:${testNumber}:`,
        stateTtlSeconds: STATE_TTL_SECONDS,
      });
    }, { householdRounds: target === 'cluster' ? 2 : 1 });
  });

  it('the Cluster spreads customers over its masters, and each customer stays in one slot', { timeout: 60_000 }, async () => {
    const client = createRedis(connectionTo('cluster'), logger);
    expect(client).toBeInstanceOf(Cluster);
    const prefix = `${context.redisPrefix}spread:`;
    const store = new RedisStateStore(client, { prefix, stateTtlSeconds: STATE_TTL_SECONDS });
    try {
      const ids = Array.from({ length: 30 }, (_, index) => `spread-${index}`);
      const { conflicts } = await store.commit(ids.map((id) => ({ customerId: id, expectedRev: 0, state: customerState(id) })), []);
      expect(conflicts).toEqual([]);
      const cluster = client as Cluster;
      const perMaster = await Promise.all(cluster.nodes('master').map(async (node) => (await node.keys(`${prefix}*`)).length));
      expect(perMaster).toHaveLength(3);
      expect(perMaster.filter((count) => count > 0).length).toBe(3);
      expect(perMaster.reduce((sum, count) => sum + count, 0)).toBe(30);
      expect([...(await store.load(ids)).values()].every((loaded) => loaded.rev === 1)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('runs the digest scripts (several keys each) on the Cluster: one hash tag per partition', { timeout: 60_000 }, async () => {
    const client = createRedis(connectionTo('cluster'), logger);
    const store = new RedisDigestStore(client, { prefix: `${context.redisPrefix}digest:`, dedupMs: 8 * DAY });
    try {
      const added = await store.addPending('routine:0', 5, []);
      expect(added).toEqual({ stored: 0, duplicate: 0, alreadyDigested: 0, alreadyApplied: 0 });
      expect(await store.addPending('routine:0', 5, [])).toEqual({ stored: 0, duplicate: 0, alreadyDigested: 0, alreadyApplied: 0 });
      expect(await store.stage('routine:0', [], Date.now())).toEqual({ staged: [], stale: [] });
      expect(await store.pendingCount('routine:0')).toBe(0);
    } finally {
      await client.quit();
    }
  });

  describe('the service end to end with its state on the Cluster', () => {
    let kafka: Kafka;
    let producer: Producer;
    let admin: Admin;
    let topics: ServiceTopics;
    let service: RunningService | undefined;
    const env = serviceEnv(context, redisEnv(secured, 'cluster'));

    beforeAll(async () => {
      topics = await createServiceTopics(context, 3);
      kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
      producer = keyedProducer(kafka);
      admin = kafka.admin();
      await Promise.all([producer.connect(), admin.connect()]);
    });

    afterAll(async () => {
      await service?.stop();
      await producer?.disconnect();
      await admin?.disconnect();
    });

    it('routes the scripted month to the same alerts as on a single Redis', { timeout: 120_000 }, async () => {
      const now = MONTH_START + 25 * DAY;
      service = await startService(parseEnv({ ...env, TIDEWATCH_HTTP_PORT: '0', TIDEWATCH_HTTP_HOST: '127.0.0.1' }), logger, { clock: () => now });
      const { profiles, transactions } = scriptedMonth();
      await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { profiles });
      await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.profiles, 90_000);
      await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { transactions });
      await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.transactions, 90_000);
      const rm = await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, topics.rmAlerts);
      expect(rm.map((record) => summary(record.value)).sort()).toEqual([
        'rm-1|c-noconsent|LARGE_INFLOW|HIGH',
        'rm-1|c-plat|LARGE_OUTFLOW|URGENT',
        'rm-2|c-gold|CUMULATIVE_INFLOW|HIGH',
      ]);
      const ready = await fetch(`http://127.0.0.1:${service.httpPort}/readyz`);
      expect(await ready.json()).toMatchObject({ checks: { redis: true } });
      await service.stop();
      service = undefined;
    });
  });

  describe.each(['tls', 'cluster'] as const)('a wrong password for the %s Redis', (target) => {
    it('stops the service with one line naming the Redis and the user, not the password', { timeout: 120_000 }, async () => {
      const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;
      const file = join(mkdtempSync(join(tmpdir(), 'tw-secured-')), 'password');
      writeFileSync(file, `${wrongPassword}\n`);
      const failure = await startServiceProcess(serviceEnv(context, { ...redisEnv(secured, target), REDIS_PASSWORD_FILE: file }), 90_000).then(
        async (running) => {
          await running.stop();
          throw new Error('the service started with a wrong Redis password');
        },
        (error: unknown) => error as Error,
      );
      printed.push(...failure.message.split('\n'));
      expect(failure.message).toMatch(/^service exited with 2:/);
      const where = target === 'tls' ? `${secured.redisTlsUrl} (user ${secured.redis.username}, TLS, client certificate)` : `cluster ${secured.redisClusterNodes.join(',')} (user ${secured.redis.username})`;
      const line = failure.message.split('\n').find((candidate) => candidate.startsWith('tidewatch: '));
      expect(line).toContain(`tidewatch: cannot connect to Redis at ${where}: `);
      expect(line).toMatch(/WRONGPASS|invalid username-password/);
      expect(failure.message).not.toContain(wrongPassword);
    });
  });

  it('printed no secret: every log line and error message above is free of every password', () => {
    expect(printed.length).toBeGreaterThan(2);
    for (const secret of secretsOf(secured)) expect(printed.filter((line) => line.includes(secret))).toEqual([]);
  });
});
