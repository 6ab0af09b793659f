import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Message, Producer } from 'kafkajs';

export interface AvroTarget {
  registry: SchemaRegistry;
  schemaId: number;
  topic: string;
}

/** Records keyed by customer id (the producer's murmur2 partitioner places them as Java clients would). */
export async function encodeKeyed<T extends { customerId: string }>(target: AvroTarget, records: readonly T[]): Promise<Message[]> {
  return Promise.all(records.map(async (record) => ({ key: record.customerId, value: await target.registry.encode(target.schemaId, record) })));
}

/**
 * Bulk-loads records chunk by chunk; answers how many were written. One send at a time, so that a retried send
 * can never land behind a later one (a customer's postings must stay in order); the next chunk is encoded while
 * the previous one is on its way.
 */
export async function produceChunks<T extends { customerId: string }>(producer: Producer, target: AvroTarget, chunks: Iterable<readonly T[]>): Promise<number> {
  let written = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  for (const chunk of chunks) {
    const encoding = encodeKeyed(target, chunk);
    // both settle before either is looked at: a failed send is never left unhandled
    const [sent, messages] = await Promise.allSettled([inFlight, encoding]);
    if (sent.status === 'rejected') throw sent.reason;
    if (messages.status === 'rejected') throw messages.reason;
    inFlight = producer.send({ topic: target.topic, messages: messages.value, acks: -1 });
    written += messages.value.length;
  }
  await inFlight;
  return written;
}

export function* chunked<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
