import { createHash } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publish } from '../../src/adapters/kafka/publisher.ts';
import type { OutputRole } from '../../src/adapters/kafka/publisher.ts';
import { AvroEncoder } from '../../src/adapters/registry/avro-encoder.ts';
import type { TopicsByRole } from '../../src/adapters/registry/schemas.ts';
import type { DeadLetterRecord } from '../../src/domain/dead-letter.ts';
import { deadLetterOf } from '../../src/pipeline/dead-letter.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, readTopic } from '../support/kafka-io.ts';

/**
 * Issue 11: a record near 1 MB whose dead letter would exceed the dead-letter topic's max.message.bytes (Kafka's
 * default, 1,048,588) must not fail its batch forever: it is stored truncated, with its size and sha256.
 */
describeIntegration('dead letters too large for the dead-letter topic', (context) => {
  const roles: OutputRole[] = ['rmAlerts', 'rmRoutine', 'risk', 'campaign', 'deadLetter'];
  const topics = Object.fromEntries(roles.map((role) => [role, context.topic(role)])) as TopicsByRole<OutputRole>;
  let kafka: Kafka;
  let producer: Producer;
  let encoder: AvroEncoder<OutputRole>;

  beforeAll(async () => {
    await context.createTopics([{ topic: topics.deadLetter, numPartitions: 1 }, { topic: context.topic('input'), numPartitions: 1 }]);
    kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    encoder = await AvroEncoder.connect(context.endpoints.schemaRegistryUrl, topics, { register: true });
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
  });

  it('stores a ~1 MB record truncated with its sha256 and size, and two large ones in requests of their own', { timeout: 120_000 }, async () => {
    const huge = Buffer.alloc(1_048_300, 0x5a);
    const source = (offset: number, value: Buffer) => ({ topic: 'bank.transactions', partition: 0, offset: String(offset), key: Buffer.from(`c-${offset}`), value });
    const detail = 'not a Confluent-framed Avro record: '.padEnd(400, '.');

    // the record itself fits a topic with Kafka's default limit; a dead letter carrying all of it does not
    await producer.send({ topic: context.topic('input'), acks: -1, messages: [{ key: 'c-1', value: huge }] });
    const whole = deadLetterOf(source(1, huge), 'undecodable', detail, Date.now(), Number.MAX_SAFE_INTEGER);
    await expect(
      producer.send({ topic: topics.deadLetter, acks: -1, messages: [{ key: whole.key, value: await encoder.encode('deadLetter', whole.record) }] }),
    ).rejects.toThrow(/too large|larger than/i);

    const halves = [Buffer.alloc(600_000, 1), Buffer.alloc(600_000, 2)];
    await publish(producer, encoder, topics, [], [deadLetterOf(source(1, huge), 'undecodable', detail, Date.now()), ...halves.map((value, index) => deadLetterOf(source(2 + index, value), 'invalid', 'amountMinor: too large', Date.now()))]);

    const stored = await readTopic<DeadLetterRecord>(kafka, context.endpoints.schemaRegistryUrl, topics.deadLetter);
    expect(stored.map((record) => record.value.sourceOffset)).toEqual([1, 2, 3]);
    const [truncated, ...intact] = stored.map((record) => record.value);
    const sha = createHash('sha256').update(huge).digest('hex');
    expect(truncated!.detail).toContain(`value 1048300 B sha256 ${sha}`);
    expect(truncated!.value!.length).toBeLessThan(huge.length);
    expect(Buffer.compare(truncated!.value!, huge.subarray(0, truncated!.value!.length))).toBe(0);
    expect(intact.map((record) => record.value!.length)).toEqual([600_000, 600_000]);
  });
});
