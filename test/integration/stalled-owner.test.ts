import { readFile } from 'node:fs/promises';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.ts';
import { featuresSnapshot } from '../support/features-snapshot.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, keyedProducer, produceInputs, readTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import { randomStream } from '../support/scenario.ts';
import { serviceEnv, serviceTopics } from '../support/service-env.ts';
import { counterValue, startServiceProcess } from '../support/service-process.ts';
import type { ServiceProcess } from '../support/service-process.ts';

const CUSTOMERS = 120;
const stream = randomStream(20261207, CUSTOMERS, 9_000);
/** Before the stall (the old owner holds every partition and their customers in memory), during it, after it. */
const parts = [stream.slice(0, 3_000), stream.slice(3_000, 3_400), stream.slice(3_400, 6_500), stream.slice(6_500)] as const;
const customerIds = Array.from({ length: CUSTOMERS }, (_, index) => `r-${index}`);
const AS_OF = Date.UTC(2025, 6, 1);
/** The broker's smallest session: the stalled instance is out of the group after 6 s. */
const SESSION_MS = '6000';

/**
 * Issue 12: a partition moves while its old owner is stalled (SIGSTOP with a unit in hand, its states computed and
 * not yet written, as in a long GC pause or a frozen VM). The old owner keeps its customers' states in memory; the
 * new owner takes the partitions (a higher owner generation in Redis) and goes on. When the old one wakes up, the
 * write it had in hand is refused, and what it kept in memory is dropped before it works on any partition again, so
 * the end state and the alerts are those of one clean pass.
 */
/** A process's state letter from /proc (T: stopped). */
async function processState(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

describeIntegration('delivery guarantees: a partition moves while its old owner is stalled', (context) => {
  const input = serviceTopics(context);
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  const running: ServiceProcess[] = [];

  const pass = (name: string) => {
    const outputs = { rmAlerts: context.topic(`${name}-rm`), risk: context.topic(`${name}-risk`), campaign: context.topic(`${name}-campaign`), deadLetter: context.topic(`${name}-dlq`) };
    const env = serviceEnv(context, {
      TIDEWATCH_GROUP_ID: context.groupId(name),
      TIDEWATCH_REDIS_PREFIX: `${context.redisPrefix}${name}:`,
      TIDEWATCH_TOPIC_RM_ALERTS: outputs.rmAlerts,
      TIDEWATCH_TOPIC_RISK: outputs.risk,
      TIDEWATCH_TOPIC_CAMPAIGN: outputs.campaign,
      TIDEWATCH_TOPIC_DEAD_LETTER: outputs.deadLetter,
      TIDEWATCH_SESSION_TIMEOUT_MS: SESSION_MS,
      // timers are not under test here: they would fire at wall-clock moments that differ between passes
      TIDEWATCH_TIMER_INTERVAL_MS: '3600000',
    });
    return {
      env,
      async createOutputs() {
        await context.createTopics(Object.values(outputs).map((topic) => ({ topic, numPartitions: 3 })));
      },
      async start(overrides: Record<string, string> = {}) {
        const service = await startServiceProcess({ ...env, ...overrides });
        running.push(service);
        return service;
      },
      consumed: () => waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, input.transactions, 120_000),
      features: () => featuresSnapshot(context.endpoints.redisUrl, env.TIDEWATCH_REDIS_PREFIX!, customerIds, AS_OF),
      alerts: async () =>
        [...(await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, outputs.rmAlerts)), ...(await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, outputs.risk))].map(
          (record) => record.value,
        ),
    };
  };
  const produce = (transactions: readonly (typeof stream)[number][]) => produceInputs(producer, context.endpoints.schemaRegistryUrl, input, { transactions: [...transactions] });
  const metricsOf = async (service: ServiceProcess) => (await fetch(`${service.baseUrl}/metrics`)).text();
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
    for (const service of running) service.child.kill('SIGCONT');
    await Promise.all(running.map((service) => service.stop()));
    await producer?.disconnect();
    await admin?.disconnect();
  });

  it('the stalled owner’s late writes are refused, its memory is dropped, and the result is one clean pass’s', { timeout: 300_000 }, async () => {
    const moved = pass('stalled');
    await moved.createOutputs();
    // the old owner stops itself (SIGSTOP) right before writing the states of the first unit after it is armed
    const old = await moved.start({ TIDEWATCH_TEST_STALL_AT: 'before-store' });
    // in three rounds, each consumed before the next: the later rounds find their customers in the owner's memory
    for (let at = 0; at < parts[0].length; at += 1_000) {
      await produce(parts[0].slice(at, at + 1_000));
      await moved.consumed();
    }
    const warm = await metricsOf(old);
    expect(counterValue(warm, 'tidewatch_owned_partitions', {}), 'the old owner holds every partition').toBe(3);
    expect(counterValue(warm, 'tidewatch_state_loads_total', { source: 'redis' }), 'each customer read from Redis once').toBeLessThanOrEqual(CUSTOMERS);
    expect(counterValue(warm, 'tidewatch_state_loads_total', { source: 'memory' }), 'and from memory after').toBeGreaterThan(CUSTOMERS);

    // more records, and the old owner freezes with their unit in hand: states computed, not yet written
    old.child.kill('SIGUSR2');
    await produce(parts[1]);
    await expect.poll(() => processState(old.child.pid!), { timeout: 60_000, interval: 100 }).toBe('T');
    const next = await moved.start();
    await produce(parts[2]);
    await moved.consumed();
    const taken = await metricsOf(next);
    expect(counterValue(taken, 'tidewatch_owned_partitions', {}), 'the new owner took every partition').toBe(3);

    // the old owner wakes up: its unit in hand (if any) is refused, the group splits the partitions between the two
    old.child.kill('SIGCONT');
    const owned = () => Promise.all([old, next].map(async (service) => counterValue(await metricsOf(service), 'tidewatch_owned_partitions', {})));
    await expect.poll(async () => (await owned()).sort(), { timeout: 60_000, interval: 250 }).toEqual([1, 2]);
    await produce(parts[3]);
    await moved.consumed();
    const woken = await metricsOf(old);
    expect(counterValue(woken, 'tidewatch_state_cache_drops_total', { reason: 'fenced' }), 'its write in hand refused, what it kept of those partitions dropped').toBeGreaterThan(0);
    await expect.poll(() => old.logLines.some((line) => line.includes('PartitionFencedError') || line.includes('taken by another instance')), { timeout: 30_000, interval: 100, message: 'it says so' }).toBe(true);
    expect(await old.stop()).toBe(0);
    expect(await next.stop()).toBe(0);

    const clean = pass('clean');
    await clean.createOutputs();
    const single = await clean.start();
    await clean.consumed();
    expect(await single.stop()).toBe(0);

    expect(await moved.features()).toEqual(await clean.features());
    const movedAlerts = await moved.alerts();
    const contents = new Map<string, Set<string>>();
    for (const alert of movedAlerts) contents.set(alert.alertId, (contents.get(alert.alertId) ?? new Set()).add(JSON.stringify(alert)));
    expect([...contents].filter(([, seen]) => seen.size > 1), 'no alert id with two contents').toEqual([]);
    const cleanAlerts = await clean.alerts();
    expect(cleanAlerts.length).toBeGreaterThan(20);
    expect(withoutDetectionTime(movedAlerts)).toEqual(withoutDetectionTime(cleanAlerts));
  });
});
