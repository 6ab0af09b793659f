import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.ts';
import { featuresSnapshot } from '../support/features-snapshot.ts';
import { describeIntegration } from '../support/integration.ts';
import { committedTotal, kafkaFor, keyedProducer, produceInputs, readTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import { randomStream } from '../support/scenario.ts';
import { serviceEnv, serviceTopics } from '../support/service-env.ts';
import { counterValue, startServiceProcess } from '../support/service-process.ts';
import type { ServiceProcess } from '../support/service-process.ts';

const CUSTOMERS = 150;
const stream = randomStream(20261123, CUSTOMERS, 16_000);
const firstHalf = stream.slice(0, 8_000);
const secondHalf = stream.slice(8_000);
const customerIds = Array.from({ length: CUSTOMERS }, (_, index) => `r-${index}`);
const AS_OF = Date.UTC(2025, 6, 1);

/**
 * Every pass reads the same input topic with its own consumer group, Redis prefix and output topics, and must end
 * in the same features and the same alerts as one clean pass.
 */
describeIntegration('delivery guarantees: crash, replay and two instances', (context) => {
  const input = serviceTopics(context);
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  const running: ServiceProcess[] = [];

  const pass = (name: string, inputOverrides: Record<string, string> = {}) => {
    const outputs = { rmAlerts: context.topic(`${name}-rm`), risk: context.topic(`${name}-risk`), campaign: context.topic(`${name}-campaign`), deadLetter: context.topic(`${name}-dlq`) };
    const env = serviceEnv(context, {
      TIDEWATCH_GROUP_ID: context.groupId(name),
      TIDEWATCH_REDIS_PREFIX: `${context.redisPrefix}${name}:`,
      TIDEWATCH_TOPIC_RM_ALERTS: outputs.rmAlerts,
      TIDEWATCH_TOPIC_RISK: outputs.risk,
      TIDEWATCH_TOPIC_CAMPAIGN: outputs.campaign,
      TIDEWATCH_TOPIC_DEAD_LETTER: outputs.deadLetter,
      // timers are not under test here: they would fire at wall-clock moments that differ between passes
      TIDEWATCH_TIMER_INTERVAL_MS: '3600000',
      ...inputOverrides,
    });
    const transactionsTopic = env.TIDEWATCH_TOPIC_TRANSACTIONS!;
    return {
      env,
      outputs,
      async createOutputs() {
        await context.createTopics(Object.values(outputs).map((topic) => ({ topic, numPartitions: 3 })));
      },
      async start() {
        const service = await startServiceProcess(env);
        running.push(service);
        return service;
      },
      consumed: () => waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, transactionsTopic, 120_000),
      features: () => featuresSnapshot(context.endpoints.redisUrl, env.TIDEWATCH_REDIS_PREFIX!, customerIds, AS_OF),
      alerts: async () => [
        ...(await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, outputs.rmAlerts)),
        ...(await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, outputs.risk)),
      ].map((record) => record.value),
    };
  };

  /** Alert ids with every distinct content seen for them; a correct pass has exactly one content per id. */
  const contentsById = (alerts: readonly Alert[]) => {
    const byId = new Map<string, Set<string>>();
    for (const alert of alerts) byId.set(alert.alertId, (byId.get(alert.alertId) ?? new Set()).add(JSON.stringify(alert)));
    return byId;
  };
  const withoutDetectionTime = (alerts: readonly Alert[]) =>
    [...new Map(alerts.map((alert) => [alert.alertId, JSON.stringify({ ...alert, detectedAt: 0 })])).entries()].sort();

  beforeAll(async () => {
    await context.createTopics([
      { topic: input.transactions, numPartitions: 3 },
      { topic: input.profiles, numPartitions: 3 },
      { topic: input.outcomes, numPartitions: 3 },
      { topic: input.products, numPartitions: 3 },
    ]);
    kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    producer = keyedProducer(kafka);
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
  });

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
    await producer?.disconnect();
    await admin?.disconnect();
  });

  let clean: { features: Awaited<ReturnType<ReturnType<typeof pass>['features']>>; alerts: Alert[] };

  it('a killed consumer, restarted, and two replays from offset 0 leave what one clean pass leaves', { timeout: 300_000 }, async () => {
    const crash = pass('crash');
    await crash.createOutputs();
    // the input keeps arriving while the consumer works, and it is killed after its first commits
    const doomed = await crash.start();
    let produced = 0;
    let committedAtKill = -1n;
    while (produced < firstHalf.length) {
      await produceInputs(producer, context.endpoints.schemaRegistryUrl, input, { transactions: firstHalf.slice(produced, produced + 400) });
      produced += 400;
      if (committedAtKill < 0n && (await committedTotal(admin, crash.env.TIDEWATCH_GROUP_ID!, input.transactions)) > 0n) {
        doomed.child.kill('SIGKILL');
        await doomed.stop();
        committedAtKill = await committedTotal(admin, crash.env.TIDEWATCH_GROUP_ID!, input.transactions);
      }
    }
    expect(committedAtKill, 'killed mid-stream, after some commits').toBeGreaterThan(0n);
    expect(committedAtKill).toBeLessThan(BigInt(firstHalf.length));

    await produceInputs(producer, context.endpoints.schemaRegistryUrl, input, { transactions: secondHalf });
    const restarted = await crash.start();
    await crash.consumed();
    expect(await restarted.stop()).toBe(0);

    const once = pass('clean');
    await once.createOutputs();
    const single = await once.start();
    await once.consumed();
    const cleanMetrics = await (await fetch(`${single.baseUrl}/metrics`)).text();
    expect(await single.stop()).toBe(0);
    clean = { features: await once.features(), alerts: await once.alerts() };
    expect(counterValue(cleanMetrics, 'tidewatch_transactions_total', { outcome: 'applied' })).toBeGreaterThan(15_000);
    expect(clean.alerts.length).toBeGreaterThan(50);

    expect(await crash.features()).toEqual(clean.features);

    for (const round of [1, 2]) {
      await admin.resetOffsets({ groupId: crash.env.TIDEWATCH_GROUP_ID!, topic: input.transactions, earliest: true });
      const replay = await crash.start();
      await crash.consumed();
      const replayMetrics = await (await fetch(`${replay.baseUrl}/metrics`)).text();
      expect(await replay.stop()).toBe(0);
      expect(counterValue(replayMetrics, 'tidewatch_transactions_total', { outcome: 'applied' }), `replay ${round} applied nothing again`).toBe(0);
      expect(await crash.features(), `features after replay ${round}`).toEqual(clean.features);
    }

    const crashAlerts = await crash.alerts();
    const conflicting = [...contentsById(crashAlerts)].filter(([, contents]) => contents.size > 1);
    expect(conflicting).toEqual([]);
    // the same causes raised the same alerts as the clean pass (detection time aside: the passes ran at other moments)
    expect(withoutDetectionTime(crashAlerts)).toEqual(withoutDetectionTime(clean.alerts));
  });

  it('two instances in one group share the partitions and together give the result of one', { timeout: 180_000 }, async () => {
    // the same records on topics of their own, produced once both instances own partitions, so that both work
    const pairInput = { ...input, transactions: context.topic('pair-transactions'), profiles: context.topic('pair-profiles') };
    await context.createTopics([
      { topic: pairInput.transactions, numPartitions: 3 },
      { topic: pairInput.profiles, numPartitions: 3 },
    ]);
    const shared = pass('pair', { TIDEWATCH_TOPIC_TRANSACTIONS: pairInput.transactions, TIDEWATCH_TOPIC_PROFILES: pairInput.profiles });
    await shared.createOutputs();
    const pair = await Promise.all([shared.start(), shared.start()]);
    const owned = () =>
      Promise.all(pair.map(async (service) => counterValue(await (await fetch(`${service.baseUrl}/metrics`)).text(), 'tidewatch_owned_partitions', {})));
    await expect.poll(async () => (await owned()).sort(), { timeout: 60_000, interval: 200 }).toEqual([1, 2]);
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, pairInput, { transactions: firstHalf });
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, pairInput, { transactions: secondHalf });
    await shared.consumed();
    const metrics = await Promise.all(pair.map(async (service) => (await fetch(`${service.baseUrl}/metrics`)).text()));
    expect(await Promise.all(pair.map((service) => service.stop()))).toEqual([0, 0]);
    const processed = metrics.map((text) => counterValue(text, 'tidewatch_records_consumed_total', { topic: pairInput.transactions, outcome: 'processed' }));
    expect(processed.every((count) => count > 0), `each instance processed records: ${processed.join(', ')}`).toBe(true);
    expect(processed.reduce((sum, count) => sum + count, 0)).toBe(stream.length);
    expect(await shared.features()).toEqual(clean.features);
    const pairAlerts = await shared.alerts();
    expect([...contentsById(pairAlerts)].filter(([, contents]) => contents.size > 1)).toEqual([]);
    expect(withoutDetectionTime(pairAlerts)).toEqual(withoutDetectionTime(clean.alerts));
  });
});
