import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { epochKey, rebuildKey, stateKey } from '../../src/adapters/redis/keys.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import { postingTimesWithinToday } from '../support/business-day.ts';
import { featuresSnapshot } from '../support/features-snapshot.ts';
import { transaction } from '../support/fixtures.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, keyedProducer, produceInputs, readTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import { startOwnRedis } from '../support/own-redis.ts';
import type { OwnRedis } from '../support/own-redis.ts';
import { profile } from '../support/scenario.ts';
import { serviceEnv, serviceTopics } from '../support/service-env.ts';
import { counterValue, runCliCommand, startServiceProcess, waitForStatus } from '../support/service-process.ts';
import type { ServiceProcess } from '../support/service-process.ts';

const CUSTOMERS = 40;
const customerIds = Array.from({ length: CUSTOMERS }, (_, index) => `rb-${index}`);

/**
 * Postings `spacingMs` apart from `start`: everyday card payments and credits, and every 25th record a 300,000 CZK
 * transfer to another bank (a LARGE_OUTFLOW alert, then a 7-day cooldown for that customer).
 */
function postings(from: number, count: number, start: number, spacingMs = 2_000): Transaction[] {
  return Array.from({ length: count }, (_, step) => {
    const index = from + step;
    const customerId = customerIds[(index * 7) % CUSTOMERS]!;
    const large = index % 25 === 3;
    const credit = !large && index % 3 === 0;
    return transaction({
      transactionId: `rb-t-${index}`,
      accountId: `${customerId}-current`,
      customerId,
      amountMinor: large ? 300_000_00 : 500_00 + (index % 17) * 100_00,
      direction: credit ? 'CREDIT' : 'DEBIT',
      balanceAfterMinor: 1_000_000_00,
      eventTime: start + index * spacingMs,
      counterpartyKind: large ? 'OTHER_BANK' : 'NONE',
      category: large ? 'TRANSFER' : 'CARD',
      channel: large ? 'ONLINE' : 'CARD',
    });
  });
}

/**
 * Issue 11: a Redis that lost its data is refused by the service, and `tidewatch rebuild` restores the state behind
 * the group's committed offsets from the input topics. Everything real: the service and the rebuild as child
 * processes, the suite's broker and registry, and a redis-server of the test's own (emptied with FLUSHALL; the
 * shared Redis is never touched).
 */
describeIntegration('tidewatch rebuild', (context) => {
  const topics = serviceTopics(context);
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let redis: OwnRedis | undefined;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    await context.createTopics(Object.values(topics).map((topic) => ({ topic, numPartitions: 2 })));
    kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    producer = keyedProducer(kafka);
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((service) => service.stop()));
    await redis?.stop();
    redis = undefined;
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
  });

  /** A service environment whose topics (inputs and outputs) and group are the lane's own, on the test's Redis. */
  const lane = async (name: string, redisUrl: string) => {
    const own = Object.fromEntries(Object.entries(topics).map(([role]) => [role, context.topic(`${name}-${role}`)])) as typeof topics;
    await context.createTopics(Object.values(own).map((topic) => ({ topic, numPartitions: 2 })));
    const env = serviceEnv(context, {
      REDIS_URL: redisUrl,
      TIDEWATCH_GROUP_ID: context.groupId(name),
      TIDEWATCH_TOPIC_TRANSACTIONS: own.transactions,
      TIDEWATCH_TOPIC_PROFILES: own.profiles,
      TIDEWATCH_TOPIC_OUTCOMES: own.outcomes,
      TIDEWATCH_TOPIC_PRODUCTS: own.products,
      TIDEWATCH_TOPIC_RM_ALERTS: own.rmAlerts,
      TIDEWATCH_TOPIC_RISK: own.risk,
      TIDEWATCH_TOPIC_CAMPAIGN: own.campaign,
      TIDEWATCH_TOPIC_DEAD_LETTER: own.deadLetter,
      TIDEWATCH_TOPIC_RM_ROUTINE: own.rmRoutine,
      TIDEWATCH_TOPIC_RM_DIGESTS: own.rmDigests,
      TIDEWATCH_TOPIC_AUDIT: own.audit,
    });
    return { topics: own, env };
  };

  const start = async (env: Record<string, string>) => {
    const service = await startServiceProcess(env);
    running.push(service);
    return service;
  };
  const stop = async (service: ServiceProcess) => {
    running.splice(running.indexOf(service), 1);
    expect(await service.stop()).toBe(0);
  };
  /** Every alert record on the RM, routine, risk and campaign topics named in env, with its topic. */
  const publishedAlerts = async (env: Record<string, string>) => {
    const feeds = [env.TIDEWATCH_TOPIC_RM_ALERTS!, env.TIDEWATCH_TOPIC_RM_ROUTINE!, env.TIDEWATCH_TOPIC_RISK!, env.TIDEWATCH_TOPIC_CAMPAIGN!];
    const records = await Promise.all(feeds.map(async (topic, feed) => (await readTopic<Record<string, unknown>>(kafka, context.endpoints.schemaRegistryUrl, topic)).map((record) => ({ feed, value: record.value }))));
    return records.flat().map(({ feed, value }) => ({ feed, id: String(value.alertId ?? value.opportunityId), content: JSON.stringify({ ...value, detectedAt: 0 }) }));
  };

  it('restores the features the loss took, publishes no alert again, and the restarted service applies later records once', { timeout: 900_000 }, async () => {
    redis = await startOwnRedis();
    const env = serviceEnv(context, { REDIS_URL: redis.url });
    const groupId = env.TIDEWATCH_GROUP_ID!;
    // postings of the last half hour, and the whole test, on one business day: no timer falls due before the end,
    // so the service's wall-clock sweeps and the rebuild's event-time ones have nothing to disagree on
    const { begin, spacingMs } = await postingTimesWithinToday(720, 2_000, 5 * 60_000);
    const history = postings(0, 600, begin, spacingMs);
    const afterLoss = postings(600, 60, begin, spacingMs);
    const afterRestart = postings(660, 60, begin, spacingMs);
    const asOf = begin + 720 * spacingMs + 60_000;

    await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { profiles: customerIds.map((customerId) => profile(customerId, { updatedAt: begin - 86_400_000 })), transactions: history });
    let service = await start(env);
    await waitUntilConsumed(admin, groupId, topics.transactions, 180_000);
    const before = await featuresSnapshot(redis.url, context.redisPrefix, customerIds, asOf);
    expect(Object.values(before).every((entry) => entry !== null)).toBe(true);
    const alertsBeforeLoss = await publishedAlerts(env);
    expect(alertsBeforeLoss.length, 'the history raised alerts').toBeGreaterThan(5);

    // Redis loses everything; the next records are refused, not applied on top of nothing
    await redis.client.flushall();
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { transactions: afterLoss });
    const refused = await waitForStatus(`${service.baseUrl}/readyz`, 503, 60_000);
    expect(((await refused.json()) as { checks: Record<string, boolean> }).checks.partitionStatesPresent).toBe(false);
    // the log line and the readiness answer travel on different pipes: the line may come a moment after
    await expect.poll(() => service.logLines.some((line) => line.includes('Restore it with `tidewatch rebuild`')), { timeout: 30_000, interval: 100 }).toBe(true);

    const whileRunning = await runCliCommand(['rebuild'], env);
    expect(whileRunning.code, whileRunning.stderr).toBe(2);
    expect(whileRunning.stderr).toMatch(/refusing to rebuild: group .* has 1 active member\(s\).*stop every tidewatch instance of the group first, or pass --force/);
    await stop(service);

    const rebuild = await runCliCommand(['rebuild'], env);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(rebuild.stdout).toContain('partition 0: ');
    expect(rebuild.stdout).toContain('partition 1: ');
    expect(rebuild.stdout).toMatch(new RegExp(`rebuilt 2 partition\\(s\\): ${history.length + CUSTOMERS} records replayed, ${CUSTOMERS} customers restored, \\d+ alerts not published again, \\d+ customers' household tier days left waiting \\(the service tells them\\); incomplete partitions: none`));
    expect(rebuild.stdout).not.toContain('WARNING');
    for (const partition of [0, 1]) expect(await redis.client.exists(epochKey(context.redisPrefix, `${topics.transactions}:${partition}`))).toBe(1);
    expect(await featuresSnapshot(redis.url, context.redisPrefix, customerIds, asOf), 'features as before the loss').toEqual(before);
    expect(await publishedAlerts(env), 'the rebuild published nothing').toEqual(alertsBeforeLoss);

    // the restarted service takes the partitions, and the records since the committed offsets count once
    service = await start(env);
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { transactions: afterRestart });
    await waitUntilConsumed(admin, groupId, topics.transactions, 180_000);
    await waitForStatus(`${service.baseUrl}/readyz`, 200, 60_000);
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    expect(counterValue(metrics, 'tidewatch_transactions_total', { outcome: 'applied' })).toBe(afterLoss.length + afterRestart.length);
    expect(counterValue(metrics, 'tidewatch_transactions_total', { outcome: 'already_applied' })).toBe(0);
    expect(counterValue(metrics, 'tidewatch_partition_state_lost', {})).toBe(0);
    await stop(service);
    const rebuiltAlerts = await publishedAlerts(env);

    // one clean pass over the same input (a group, a key prefix and output topics of its own) is the reference
    const cleanOutputs = { rm: context.topic('clean-rm'), routine: context.topic('clean-routine'), risk: context.topic('clean-risk'), campaign: context.topic('clean-campaign'), dlq: context.topic('clean-dlq') };
    await context.createTopics(Object.values(cleanOutputs).map((topic) => ({ topic, numPartitions: 2 })));
    const cleanEnv = serviceEnv(context, {
      REDIS_URL: redis.url,
      TIDEWATCH_GROUP_ID: context.groupId('clean'),
      TIDEWATCH_REDIS_PREFIX: `${context.redisPrefix}clean:`,
      TIDEWATCH_TOPIC_RM_ALERTS: cleanOutputs.rm,
      TIDEWATCH_TOPIC_RM_ROUTINE: cleanOutputs.routine,
      TIDEWATCH_TOPIC_RISK: cleanOutputs.risk,
      TIDEWATCH_TOPIC_CAMPAIGN: cleanOutputs.campaign,
      TIDEWATCH_TOPIC_DEAD_LETTER: cleanOutputs.dlq,
    });
    const clean = await start(cleanEnv);
    await waitUntilConsumed(admin, cleanEnv.TIDEWATCH_GROUP_ID!, topics.transactions, 180_000);
    await stop(clean);
    const cleanAlerts = await publishedAlerts(cleanEnv);

    expect(await featuresSnapshot(redis.url, context.redisPrefix, customerIds, asOf)).toEqual(await featuresSnapshot(redis.url, cleanEnv.TIDEWATCH_REDIS_PREFIX!, customerIds, asOf));
    const copies = new Map<string, number>();
    for (const alert of rebuiltAlerts) copies.set(`${alert.feed}:${alert.id}`, (copies.get(`${alert.feed}:${alert.id}`) ?? 0) + 1);
    expect([...copies].filter(([, count]) => count > 1), 'no alert published twice').toEqual([]);
    // the same alerts as the clean pass (detection time aside): none lost, none a second, different one for a cause
    const contents = (alerts: Awaited<ReturnType<typeof publishedAlerts>>) => alerts.map((alert) => `${alert.feed}:${alert.content}`).sort();
    expect(contents(rebuiltAlerts)).toEqual(contents(cleanAlerts));
    expect(rebuiltAlerts.length).toBeGreaterThan(alertsBeforeLoss.length);
  });

  it('says loudly when retention no longer holds the history, and refuses under --require-complete', { timeout: 300_000 }, async () => {
    redis = await startOwnRedis();
    const { topics: own, env } = await lane('short', redis.url);
    const history = postings(0, 200, Date.now() - 30 * 60_000);
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, own, { transactions: history });
    // the group had processed everything (its offsets committed), then retention deleted the start of partition 0
    const ends = await admin.fetchTopicOffsets(own.transactions);
    await admin.setOffsets({ groupId: env.TIDEWATCH_GROUP_ID!, topic: own.transactions, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
    await admin.deleteTopicRecords({ topic: own.transactions, partitions: [{ partition: 0, offset: '10' }] });

    const strict = await runCliCommand(['rebuild', '--require-complete'], env);
    expect(strict.code, strict.stderr).toBe(2);
    expect(strict.stderr).toContain('refusing to rebuild (--require-complete): nothing was rebuilt');
    expect(strict.stderr).toContain(`${own.transactions} partition 0 starts at offset 10: 10 record(s) the service had processed are no longer retained`);
    expect(await redis.client.exists(epochKey(context.redisPrefix, `${own.transactions}:0`))).toBe(0);

    // an earlier rebuild of partition 0 was interrupted: the customers it had begun writing are named by its marker
    const marker = rebuildKey(context.redisPrefix, `${own.transactions}:0`);
    await redis.client.sadd(marker, 'rb-ghost');
    await redis.client.set(stateKey(context.redisPrefix, 'rb-ghost'), 'partial');
    const lenient = await runCliCommand(['rebuild', '--partitions', '0'], env);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stderr).toContain('partition 0: removed the partial state of an interrupted rebuild (1 customers)');
    expect(await redis.client.exists(stateKey(context.redisPrefix, 'rb-ghost'), marker)).toBe(0);
    expect(lenient.stderr).toContain('WARNING: INCOMPLETE REBUILD of partition(s) 0');
    expect(lenient.stdout).toContain('; INCOMPLETE; epoch written');
    expect(lenient.stdout).toContain('incomplete partitions: 0');
    expect(lenient.stdout).toContain('WARNING: INCOMPLETE REBUILD of partition(s) 0');
    expect(await redis.client.exists(epochKey(context.redisPrefix, `${own.transactions}:0`))).toBe(1);
    expect(await redis.client.exists(epochKey(context.redisPrefix, `${own.transactions}:1`))).toBe(0);
  });

  it('timers the service fired before the loss do not fire again: their alerts are not published twice', { timeout: 600_000 }, async () => {
    redis = await startOwnRedis();
    const { topics: own, env } = await lane('silent', redis.url);
    // daily card payments from 100 to 65 days ago, then silence: the 60-day dormancy stage fell due 5 days ago,
    // so the caught-up service fires it on the wall clock; the rebuild fires it in event time, withholding its alert
    const silent = customerIds.slice(0, 12);
    const lastActive = Date.now() - 65 * 86_400_000;
    const history = silent.flatMap((customerId, index) =>
      Array.from({ length: 35 }, (_, day) =>
        transaction({ transactionId: `rb-s-${index}-${day}`, accountId: `${customerId}-current`, customerId, amountMinor: 300_00, balanceAfterMinor: 200_000_00, eventTime: lastActive - (34 - day) * 86_400_000 + index * 60_000, counterpartyKind: 'NONE', category: 'CARD', channel: 'CARD' }),
      ),
    ).sort((left, right) => left.eventTime - right.eventTime);
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, own, { profiles: silent.map((customerId) => profile(customerId, { updatedAt: lastActive - 200 * 86_400_000 })), transactions: history });
    let service = await start(env);
    await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, own.transactions, 180_000);
    const dormancyStages = async () => Object.values(await featuresSnapshot(redis!.url, context.redisPrefix, silent, Date.now())).map((entry) => entry?.state.dormancy.stage ?? 0);
    await expect.poll(dormancyStages, { timeout: 120_000, interval: 1_000 }).toEqual(silent.map(() => 1));
    await stop(service);
    const alertsBefore = await publishedAlerts(env);
    // the silence is told once per customer: as DORMANCY, or as the churn episode a timer's day close opened (which
    // then keeps the dormancy stage off the RM queue)
    const silenceAlerts = (alerts: typeof alertsBefore) => alerts.filter((alert) => /"kind":"(DORMANCY|CHURN_RISK)"/.test(alert.content));
    const told = new Set(silenceAlerts(alertsBefore).map((alert) => /"customerId":"([^"]+)"/.exec(alert.content)?.[1]));
    expect(silent.filter((customerId) => !told.has(customerId)), 'every silent customer was told of before the loss').toEqual([]);

    await redis.client.flushall();
    const rebuild = await runCliCommand(['rebuild'], env);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(await dormancyStages(), 'the rebuild fired the dormancy timers').toEqual(silent.map(() => 1));
    service = await start(env);
    await waitForStatus(`${service.baseUrl}/readyz`, 200, 60_000);
    // many timer sweeps (every 200 ms) on the wall clock
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 5_000));
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    await stop(service);
    expect(counterValue(metrics, 'tidewatch_partition_state_lost', {})).toBe(0);
    const alertsAfter = await publishedAlerts(env);
    expect(alertsAfter, 'nothing published again after the rebuild and restart').toEqual(alertsBefore);
  });
});
