import kafkajs from 'kafkajs';
import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DLQ_HEADER } from '../../src/pipeline/dead-letter.ts';
import { registerValueSchema } from '../support/avro.ts';
import { transaction } from '../support/fixtures.ts';
import { describeIntegration } from '../support/integration.ts';
import { createServiceTopics, serviceEnv, serviceTopics } from '../support/service-env.ts';
import { counterValue, startServiceProcess, waitForStatus } from '../support/service-process.ts';
import type { ServiceProcess } from '../support/service-process.ts';

const { Kafka, logLevel, Partitioners } = kafkajs;

describeIntegration('tidewatch run, end to end', (context) => {
  const { transactions: transactionsTopic, deadLetter: deadLetterTopic } = serviceTopics(context);
  const groupId = context.groupId('service');
  const kafka = new Kafka({ brokers: context.endpoints.kafkaBrokers, clientId: context.namespace, logLevel: logLevel.WARN });
  let producer: Producer;
  let dlqReader: Consumer;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    // one partition, so offsets below are the order of sending
    await createServiceTopics(context, 1);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    dlqReader = kafka.consumer({ groupId: context.groupId('dlq-reader') });
    await Promise.all([producer.connect(), dlqReader.connect()]);
  });

  afterAll(async () => {
    await service?.stop();
    await dlqReader?.disconnect();
    await producer?.disconnect();
  });

  it('processes good records, dead-letters bad ones with their reason, commits, and stops cleanly', async () => {
    const { registry, id } = await registerValueSchema(context.endpoints.schemaRegistryUrl, transactionsTopic, 'Transaction.avsc');
    const unknownSchemaId = Buffer.from([0, 0x7f, 0xff, 0xff, 0x00, 2, 0x41]);
    await producer.send({
      topic: transactionsTopic,
      messages: [
        { key: 'c-1', value: await registry.encode(id, transaction({ transactionId: 't-1' })) },
        { key: 'c-2', value: Buffer.from('{"not":"avro"}') },
        { key: 'c-3', value: unknownSchemaId },
        { key: 'c-4', value: await registry.encode(id, transaction({ transactionId: 't-4', currency: 'czk' })) },
        { key: 'c-5', value: await registry.encode(id, transaction({ transactionId: 't-5', customerId: 'c-5' })) },
      ],
    });

    service = await startServiceProcess(serviceEnv(context));
    const readiness = await waitForStatus(`${service.baseUrl}/readyz`, 200);
    expect(await readiness.json()).toEqual({ ready: true, checks: { kafkaConsumerJoined: true, redis: true, running: true, brokerAnswering: true, progressing: true, redisKeepsData: true, partitionStatesPresent: true } });

    const deadLetters: KafkaMessage[] = [];
    await dlqReader.subscribe({ topic: deadLetterTopic, fromBeginning: true });
    await new Promise<void>((resolveAll, reject) => {
      dlqReader
        .run({
          eachMessage: async ({ message }) => {
            deadLetters.push(message);
            if (deadLetters.length === 3) resolveAll();
          },
        })
        .catch(reject);
    });
    const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();
    expect(
      deadLetters.map((message) => [header(message, DLQ_HEADER.offset), header(message, DLQ_HEADER.reason), message.key?.toString()]),
    ).toEqual([
      ['1', 'undecodable', 'c-2'],
      ['2', 'unknown_schema', 'c-3'],
      ['3', 'invalid', 'c-4'],
    ]);
    expect(header(deadLetters[2]!, DLQ_HEADER.detail)).toContain('currency');
    const quarantined = await registry.decode(deadLetters[1]!.value!);
    expect(quarantined).toMatchObject({ reason: 'unknown_schema', sourceTopic: transactionsTopic, sourcePartition: 0, sourceOffset: 2 });
    expect(quarantined.value).toEqual(unknownSchemaId);
    expect(header(deadLetters[0]!, DLQ_HEADER.topic)).toBe(transactionsTopic);

    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    expect(counterValue(metrics, 'tidewatch_records_consumed_total', { topic: transactionsTopic, outcome: 'processed' })).toBe(2);
    expect(counterValue(metrics, 'tidewatch_records_consumed_total', { topic: transactionsTopic, outcome: 'dead_lettered' })).toBe(3);
    expect(counterValue(metrics, 'tidewatch_dead_letters_total', { reason: 'unknown_schema' })).toBe(1);

    expect(await service.stop()).toBe(0);
    // no personal data in the logs: the customer ids of the records never appear in a log line
    expect(service.logLines.length).toBeGreaterThan(2);
    expect(service.logLines.filter((line) => /\bc-[1-5]\b/.test(line))).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [transactionsTopic] });
    await admin.disconnect();
    expect(committed?.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '5' })]);
  });
});
