import { randomBytes } from 'node:crypto';
import { createSchemaRegistry } from '../../src/adapters/registry/client.ts';
import kafkajs from 'kafkajs';
import type { Admin, IHeaders, Kafka, Producer } from 'kafkajs';
import { registerSchemas } from '../../src/adapters/registry/schemas.ts';
import type { CustomerProfile } from '../../src/domain/profile.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import type { ServiceTopics } from './service-env.ts';

const { Kafka: KafkaClient, logLevel, Partitioners } = kafkajs;

export function kafkaFor(brokers: string[], clientId: string): Kafka {
  return new KafkaClient({ brokers, clientId, logLevel: logLevel.WARN });
}

export function keyedProducer(kafka: Kafka): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

/** Produces profiles and transactions as the bank's systems would: Avro through the registry, keyed by customer. */
export async function produceInputs(
  producer: Producer,
  registryUrl: string,
  topics: ServiceTopics,
  inputs: { profiles?: readonly CustomerProfile[]; transactions?: readonly Transaction[] },
): Promise<void> {
  const registry = createSchemaRegistry(registryUrl);
  const ids = await registerSchemas(registryUrl, { transactions: topics.transactions, profiles: topics.profiles });
  const profiles = inputs.profiles ?? [];
  const transactions = inputs.transactions ?? [];
  if (profiles.length > 0) {
    const messages = await Promise.all(profiles.map(async (profile) => ({ key: profile.customerId, value: await registry.encode(ids.profiles, profile) })));
    await producer.send({ topic: topics.profiles, messages, acks: -1 });
  }
  for (let start = 0; start < transactions.length; start += 1000) {
    const chunk = transactions.slice(start, start + 1000);
    const messages = await Promise.all(chunk.map(async (transaction) => ({ key: transaction.customerId, value: await registry.encode(ids.transactions, transaction) })));
    await producer.send({ topic: topics.transactions, messages, acks: -1 });
  }
}

export interface ReadRecord<T> {
  key: string | null;
  partition: number;
  offset: string;
  value: T;
}

export interface RawRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Every record on the topic up to its current end, undecoded, in partition then offset order. */
export async function readRawTopic(kafka: Kafka, topic: string): Promise<RawRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((end) => BigInt(end.high) > BigInt(end.low)).map((end) => [end.partition, BigInt(end.high)]));
  const records: RawRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `reader-${randomBytes(6).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolveAll, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          records.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value, headers: message.headers ?? {} });
          if (BigInt(message.offset) + 1n >= (remaining.get(partition) ?? 0n)) remaining.delete(partition);
          if (remaining.size === 0) resolveAll();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return records.sort((left, right) => left.partition - right.partition || Number(BigInt(left.offset) - BigInt(right.offset)));
}

/** Every record on the topic up to its current end, decoded through the registry, in partition then offset order. */
export async function readTopic<T>(kafka: Kafka, registryUrl: string, topic: string): Promise<ReadRecord<T>[]> {
  const registry = createSchemaRegistry(registryUrl);
  const raw = await readRawTopic(kafka, topic);
  return Promise.all(raw.map(async ({ key, partition, offset, value }) => ({ key, partition, offset, value: (await registry.decode(value!)) as T })));
}

/** Waits until the group has committed the end of every partition of the topic (everything processed and published). */
export async function waitUntilConsumed(admin: Admin, groupId: string, topic: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // kafkajs' admin does not retry an offset fetch: right after a broker restart it answers "the coordinator is
    // loading" (retriable) for a while, which is no answer yet
    const read = async () => [await admin.fetchTopicOffsets(topic), await admin.fetchOffsets({ groupId, topics: [topic] })] as const;
    const answer = await read().catch((error: unknown) => {
      if ((error as { retriable?: unknown }).retriable !== true || Date.now() > deadline) throw error;
      return undefined;
    });
    if (answer === undefined) {
      await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
      continue;
    }
    const [ends, [committed]] = answer;
    const done = ends.every((end) => {
      const at = committed?.partitions.find((entry) => entry.partition === end.partition)?.offset ?? '-1';
      return end.high === '0' || (at !== '-1' && BigInt(at) >= BigInt(end.high));
    });
    if (done) return;
    if (Date.now() > deadline) throw new Error(`group ${groupId} did not consume ${topic} to its end within ${timeoutMs} ms`);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
  }
}

/** Sum of the group's committed offsets over the topic's partitions (records processed so far). */
export async function committedTotal(admin: Admin, groupId: string, topic: string): Promise<bigint> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (committed?.partitions ?? []).reduce((sum, entry) => sum + (entry.offset === '-1' ? 0n : BigInt(entry.offset)), 0n);
}
