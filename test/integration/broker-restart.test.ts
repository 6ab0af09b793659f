import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { topicsUnder, topicVariables } from '../../src/adapters/registry/schemas.ts';
import { OwnKafka } from '../../scripts/chaos/own-stack.ts';
import { describeIntegration } from '../support/integration.ts';
import { readRawTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import { startServiceProcess } from '../support/service-process.ts';
import type { ServiceProcess } from '../support/service-process.ts';

const { Kafka: KafkaClient, logLevel } = kafkajs;
const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * The fault suite's broker lane in small: a broker of the test's own (it is stopped, which the shared one must never
 * be) is stopped for 10 s right after the service started, while the service is still trying to publish its
 * start-up audit record to an audit topic that does not exist. kafkajs then keeps that topic in its producer's
 * metadata set for good, and every later metadata refresh of that producer fails. Before the audit trail had a
 * producer of its own, the alerts' producer was that one: after the restart nothing was published again (the
 * consumer crash-looped on "This server does not host this topic-partition" while liveness stayed up).
 */
describeIntegration('tidewatch run: a broker restart', (context) => {
  const home = mkdtempSync(join(tmpdir(), 'tw-broker-restart-'));
  const topics = (() => {
    // every topic but the audit one: the service is pointed at an audit topic that does not exist
    const { audit: _audit, ...inputsAndOutputs } = topicsUnder(context.namespace);
    return inputsAndOutputs;
  })();
  const groupId = context.groupId('service');
  let broker: OwnKafka | undefined;
  let kafka: Kafka;
  let admin: Admin;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    broker = await OwnKafka.create(join(home, 'kafka'));
    kafka = new KafkaClient({ brokers: broker.brokers, clientId: context.namespace, logLevel: logLevel.NOTHING, retry: { retries: 20 } });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
  }, 300_000);

  afterAll(async () => {
    if (service !== undefined && service.child.exitCode === null) {
      service.child.kill('SIGKILL');
      await service.stop();
    }
    await admin?.disconnect().catch(() => {});
    await broker?.stop();
    rmSync(home, { recursive: true, force: true });
  }, 120_000);

  it('publishes again once the broker is back, although an audit record was lost in the outage', { timeout: 600_000 }, async () => {
    service = await startServiceProcess(
      {
        KAFKA_BROKERS: broker!.brokers.join(','),
        SCHEMA_REGISTRY_URL: context.endpoints.schemaRegistryUrl,
        REDIS_URL: context.endpoints.redisUrl,
        TIDEWATCH_GROUP_ID: groupId,
        TIDEWATCH_DIGEST_GROUP_ID: context.groupId('digest'),
        TIDEWATCH_REDIS_PREFIX: context.redisPrefix,
        ...topicVariables(topics),
        TIDEWATCH_TOPIC_AUDIT: `${context.namespace}.audit-never-created`,
        TIDEWATCH_CREATE_TOPICS: 'false',
      },
      300_000,
    );
    // the start-up audit record is in its producer's retries now (the topic does not exist): the broker goes away
    await broker!.stop();
    await sleep(10_000);
    await broker!.start();

    // a record that is not Avro: the service must publish its dead letter, through the producer alerts use too
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({ topic: topics.transactions, acks: -1, messages: [{ key: 'c-1', value: Buffer.from('not avro') }] });
    await producer.disconnect();

    // once in CI (7 December) the record was not consumed within 180 s of the restart, and it passed at once four
    // times after: should it happen again, the service's own account of it is in the failure
    await waitUntilConsumed(admin, groupId, topics.transactions, 180_000).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; the service's last log lines:\n${service!.logLines.slice(-60).join('\n')}`);
    });
    const letters = await readRawTopic(kafka, topics.deadLetter);
    expect(letters).toHaveLength(1);
    expect(service.logLines.some((line) => line.includes('audit record not published'))).toBe(true);
    expect(service.child.exitCode).toBeNull();
  });
});
