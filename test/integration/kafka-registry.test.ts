import kafkajs from 'kafkajs';
import type { Consumer, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireBackwardCompatibility, valueSubject } from '../../src/adapters/registry/schemas.ts';
import { registerValueSchema } from '../support/avro.ts';
import { transaction } from '../support/fixtures.ts';
import { describeIntegration } from '../support/integration.ts';

const { Kafka, logLevel, Partitioners } = kafkajs;

describeIntegration('kafka and schema registry plumbing', (context) => {
  const topic = context.topic('transactions');
  let producer: Producer;
  let consumer: Consumer;

  beforeAll(async () => {
    await context.createTopics([{ topic, numPartitions: 3 }]);
    const kafka = new Kafka({ brokers: context.endpoints.kafkaBrokers, clientId: context.namespace, logLevel: logLevel.WARN });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    consumer = kafka.consumer({ groupId: context.groupId('plumbing') });
    await Promise.all([producer.connect(), consumer.connect()]);
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
  });

  it('produces Avro through the registry and a consumer group reads the same records back', async () => {
    const { registry, id } = await registerValueSchema(context.endpoints.schemaRegistryUrl, topic, 'Transaction.avsc');
    const sent = ['c-1', 'c-2', 'c-3', 'c-1'].map((customerId, index) =>
      transaction({ transactionId: `t-${index}`, customerId, amountMinor: 1_000 * (index + 1) }),
    );
    await producer.send({
      topic,
      messages: await Promise.all(sent.map(async (value) => ({ key: value.customerId, value: await registry.encode(id, value) }))),
    });

    const received: Array<{ key: string; partition: number; value: unknown }> = [];
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolveAll, reject) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              received.push({
                key: message.key?.toString() ?? '',
                partition: batch.partition,
                value: { ...(await registry.decode(message.value as Buffer)) },
              });
            }
            if (received.length >= sent.length) resolveAll();
          },
        })
        .catch(reject);
    });

    // keyed by customer: c-1's two records sit on one partition, in the order they were sent
    const c1 = received.filter((record) => record.key === 'c-1');
    expect(new Set(c1.map((record) => record.partition)).size).toBe(1);
    expect(c1.map((record) => (record.value as { transactionId: string }).transactionId)).toEqual(['t-0', 't-3']);

    const idOf = (record: { value: unknown }) => (record.value as { transactionId: string }).transactionId;
    expect([...received].sort((a, b) => idOf(a).localeCompare(idOf(b))).map((record) => record.value)).toEqual(sent);
  });

  it('pins a new subject to BACKWARD when several instances start at once (the registry answers all but one 409 at first)', async () => {
    const subject = valueSubject(context.topic('compat-race'));
    await Promise.all(Array.from({ length: 6 }, () => requireBackwardCompatibility(context.endpoints.schemaRegistryUrl, subject)));
    const answer = await fetch(`${context.endpoints.schemaRegistryUrl.replace(/\/+$/, '')}/config/${encodeURIComponent(subject)}`);
    expect(await answer.json()).toMatchObject({ compatibilityLevel: 'BACKWARD' });
  });
});
