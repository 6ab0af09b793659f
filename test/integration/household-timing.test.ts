import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { topicVariables } from '../../src/adapters/registry/schemas.ts';
import { closingRounds } from '../../scripts/chaos/input.ts';
import { parseGenerateOptions } from '../../src/cli/generate-command.ts';
import { DAY_MS } from '../../src/core/calendar.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { CustomerProfile } from '../../src/domain/profile.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import { generate } from '../../src/generate/run.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, keyedProducer, produceInputs, readTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import { serviceEnv, serviceTopics } from '../support/service-env.ts';
import { startServiceProcess } from '../support/service-process.ts';
import type { ServiceProcess } from '../support/service-process.ts';

const readLines = async <T>(file: string): Promise<T[]> =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);

/**
 * Issue 11: a household's tiers were judged on whatever the other members' partitions had reached, so the same input
 * gave other UPGRADE_ELIGIBLE / DOWNGRADE_RISK ids as a backlog than live. With the watermark (core/household.ts)
 * the same generated bank, consumed as a backlog, as a paced stream, and paced with a restart half-way, gives the
 * same alert ids, household ones included.
 */
describeIntegration('household tiers independent of timing: backlog, paced, restart', (context) => {
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let folder: string;
  let profiles: CustomerProfile[];
  let chunks: Transaction[][];
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tw-household-'));
    const request = parseGenerateOptions({ customers: '150', months: '2', out: folder, quiet: true, seed: '5' }, Math.floor(Date.now() / DAY_MS));
    await generate(request, { env: {}, stdout: () => {}, stderr: () => {}, stderrIsTTY: false });
    profiles = await readLines<CustomerProfile>(join(folder, 'profiles.jsonl'));
    const transactions = await readLines<Transaction>(join(folder, 'transactions.jsonl'));
    const size = Math.ceil(transactions.length / 8);
    chunks = Array.from({ length: 8 }, (_, index) => transactions.slice(index * size, (index + 1) * size));
    chunks.push(...closingRounds(transactions));
    kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    producer = keyedProducer(kafka);
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
    await producer?.disconnect();
    await admin?.disconnect();
    await rm(folder, { recursive: true, force: true });
  });

  /** One pass over its own copy of the input; `paced`: each chunk once the one before is consumed. */
  async function pass(name: string, mode: 'backlog' | 'paced' | 'restart'): Promise<Map<string, string>> {
    const base = serviceTopics(context);
    const topics = Object.fromEntries(Object.entries(base).map(([role, topic]) => [role, `${topic}-${name}`])) as typeof base;
    await context.createTopics(Object.values(topics).map((topic) => ({ topic, numPartitions: 4 })));
    const env = serviceEnv(context, {
      TIDEWATCH_GROUP_ID: context.groupId(name),
      TIDEWATCH_REDIS_PREFIX: `${context.redisPrefix}${name}:`,
      ...topicVariables({ ...topics, audit: base.audit }),
      // timers run on the wall clock once caught up, at moments that differ between passes: off here
      TIDEWATCH_TIMER_INTERVAL_MS: '3600000',
    });
    const consumed = (topic: string) => waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topic, 300_000);
    const start = async () => {
      const service = await startServiceProcess(env, 120_000);
      running.push(service);
      return service;
    };
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { profiles });
    const body = chunks.slice(0, -2);
    const closing = chunks.slice(-2);
    let service: ServiceProcess;
    if (mode === 'backlog') {
      await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { transactions: body.flat() });
      service = await start();
    } else {
      service = await start();
      await consumed(topics.profiles);
      for (const [index, chunk] of body.entries()) {
        await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { transactions: chunk });
        await consumed(topics.transactions);
        if (mode === 'restart' && index === Math.floor(body.length / 2)) {
          expect(await service.stop()).toBe(0);
          service = await start();
        }
      }
    }
    await consumed(topics.transactions);
    for (const round of closing) {
      await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { transactions: round });
      await consumed(topics.transactions);
    }
    expect(await service.stop()).toBe(0);
    const alerts = [
      ...(await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, topics.rmAlerts)),
      ...(await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, topics.risk)),
    ].map((record) => record.value);
    return new Map(alerts.map((alert) => [alert.alertId, `${alert.kind} ${alert.customerId} ${alert.reason}`]));
  }

  it('gives the same alert ids, household tiers included, as a backlog, paced and with a restart', { timeout: 900_000 }, async () => {
    const backlog = await pass('backlog', 'backlog');
    const paced = await pass('paced', 'paced');
    const restarted = await pass('restart', 'restart');
    const byHousehold = [...backlog.values()].filter((alert) => alert.includes('household'));
    expect(byHousehold.length, 'the bank has household tier alerts to compare').toBeGreaterThan(0);
    const isTier = (alert: string) => alert.startsWith('UPGRADE_ELIGIBLE') || alert.startsWith('DOWNGRADE_RISK');
    const sorted = (alerts: Map<string, string>, tiers: boolean) =>
      [...alerts].filter(([, alert]) => isTier(alert) === tiers).sort(([left], [right]) => left.localeCompare(right));
    for (const other of [paced, restarted]) {
      expect(sorted(other, false)).toEqual(sorted(backlog, false));
      // every tier alert too, household ones included, evidence and all. Before 7 December 12 tier ids differed per
      // pass (6 missing, 6 extra): household upgrades told as of a later day in the backlog, where a member's partition
      // stayed about 60 days behind and the customer's waiting days passed the 40 then kept (the oldest dropped).
      // An account first seen after the judged day (its opening carried back when judged late) is the other way a
      // late day read differently; this bank does not hit it (unit tests: test/unit/core/household-watermark.test.ts)
      expect(sorted(other, true)).toEqual(sorted(backlog, true));
    }
  });
});
