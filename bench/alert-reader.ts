import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createSchemaRegistry } from '../src/adapters/registry/client.ts';
import type { Consumer, Kafka } from 'kafkajs';
import { z } from 'zod';
import { sleep, withTimeout } from './progress.ts';

/** All the reader needs of an alert; the rest of the record is not looked at. */
const alertCause = z.object({ causeTransactionId: z.string().nullable() });

/**
 * Reads the RM alerts topic like an RM's queue would, and times each alert whose cause it was told about: from the
 * moment the transaction was handed to the producer to the moment its alert arrived here.
 */
export class AlertReader {
  readonly #consumer: Consumer;
  readonly #registry: SchemaRegistry;
  /** Next offset to read, by partition. */
  readonly #positions = new Map<number, bigint>();
  readonly #expected = new Map<string, number>();
  readonly latenciesMs: number[] = [];
  /** Alerts read whose cause was not one of the expected transactions. */
  others = 0;

  private constructor(consumer: Consumer, registry: SchemaRegistry) {
    this.#consumer = consumer;
    this.#registry = registry;
  }

  static async start(kafka: Kafka, registryUrl: string, topic: string, groupId: string): Promise<AlertReader> {
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
    const reader = new AlertReader(consumer, createSchemaRegistry(registryUrl));
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const receivedAt = performance.now();
        for (const message of batch.messages) {
          if (message.value !== null) reader.#observe(await reader.#registry.decode(message.value), receivedAt);
        }
        reader.#positions.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
      },
    });
    return reader;
  }

  /** A transaction built to raise an RM alert, and when it was handed to the producer (performance.now()). */
  expect(transactionId: string, sentAt: number): void {
    this.#expected.set(transactionId, sentAt);
  }

  get outstanding(): number {
    return this.#expected.size;
  }

  /** Resolves once the reader has read every partition up to `ends`. */
  async waitUntilAt(ends: ReadonlyMap<number, bigint>, timeoutMs: number): Promise<void> {
    const caughtUp = async () => {
      while (![...ends].every(([partition, end]) => end === 0n || (this.#positions.get(partition) ?? 0n) >= end)) await sleep(20);
    };
    await withTimeout(caughtUp(), timeoutMs, 'the alert reader catching up');
  }

  /** Waits (at most `timeoutMs`) until every expected alert has arrived. */
  async waitForExpected(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.#expected.size > 0 && performance.now() < deadline) await sleep(20);
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }

  #observe(decoded: unknown, receivedAt: number): void {
    const parsed = alertCause.safeParse(decoded);
    const cause = parsed.success ? parsed.data.causeTransactionId : null;
    const sentAt = cause === null ? undefined : this.#expected.get(cause);
    if (cause === null || sentAt === undefined) {
      this.others += 1;
      return;
    }
    this.#expected.delete(cause);
    this.latenciesMs.push(receivedAt - sentAt);
  }
}
