import kafkajs from 'kafkajs';
import type { ITopicConfig, Kafka, LogEntry, Producer } from 'kafkajs';
import { createMissingTopics } from '../adapters/kafka/topics.ts';
import { AvroEncoder } from '../adapters/registry/avro-encoder.ts';
import type { RecordOf } from '../adapters/registry/schemas.ts';
import type { ProductEvent } from '../domain/product-event.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import type { Transaction } from '../domain/transaction.ts';
import type { GeneratorKafkaEnv } from './kafka-env.ts';
import { Pacer } from './pacer.ts';

const { Kafka: KafkaClient, logLevel, Partitioners } = kafkajs;
const UNPACED_BATCH = 500;

/** kafkajs's warnings and errors on stderr, one line each: stdout carries the summary. */
function stderrLogCreator(write: (line: string) => void) {
  return () =>
    ({ level, log }: LogEntry) => {
      if (level > logLevel.WARN) return;
      write(`kafkajs ${level <= logLevel.ERROR ? 'error' : 'warn'}: ${log.message}\n`);
    };
}

/** The topics the generator writes: the service's inputs. */
type InputRole = 'transactions' | 'profiles' | 'products';

/** The input topics as `tidewatch run` creates them: profiles compacted (the latest record per customer counts). */
function inputTopicConfigs(env: GeneratorKafkaEnv): ITopicConfig[] {
  return [
    { topic: env.TIDEWATCH_TOPIC_TRANSACTIONS, numPartitions: env.TIDEWATCH_TOPIC_PARTITIONS },
    { topic: env.TIDEWATCH_TOPIC_PROFILES, numPartitions: env.TIDEWATCH_TOPIC_PARTITIONS, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    // co-partitioned with the transactions (the service checks it)
    { topic: env.TIDEWATCH_TOPIC_PRODUCTS, numPartitions: env.TIDEWATCH_TOPIC_PARTITIONS },
  ];
}

/**
 * Produces the generated bank as the bank's systems would: Avro through the schema registry (each record checked
 * against its zod mirror first), keyed by customer id, acknowledged by all replicas; transactions at a set rate.
 */
export class KafkaSink {
  private constructor(
    private readonly producer: Producer,
    private readonly encoder: AvroEncoder<InputRole>,
    private readonly topics: Record<InputRole, string>,
    private readonly pacer: Pacer,
  ) {}

  static async open(env: GeneratorKafkaEnv, ratePerSecond: number | null, writeStderr: (line: string) => void): Promise<KafkaSink> {
    const kafka: Kafka = new KafkaClient({
      brokers: env.KAFKA_BROKERS,
      clientId: `${env.TIDEWATCH_CLIENT_ID}-generate`,
      logLevel: logLevel.WARN,
      logCreator: stderrLogCreator(writeStderr),
    });
    if (env.TIDEWATCH_CREATE_TOPICS) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await createMissingTopics(admin, inputTopicConfigs(env));
      } finally {
        await admin.disconnect();
      }
    }
    const topics = { transactions: env.TIDEWATCH_TOPIC_TRANSACTIONS, profiles: env.TIDEWATCH_TOPIC_PROFILES, products: env.TIDEWATCH_TOPIC_PRODUCTS };
    const encoder = await AvroEncoder.connect(env.SCHEMA_REGISTRY_URL, topics, { register: env.TIDEWATCH_REGISTER_SCHEMAS });
    const producer = kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return new KafkaSink(producer, encoder, topics, new Pacer(ratePerSecond));
  }

  /**
   * Reference data goes first and unpaced: the service should know every customer before their first posting.
   * Later changes (RM departures and reassignments) follow the same way, each day's before that day's postings.
   */
  sendProfiles(profiles: readonly CustomerProfile[]): Promise<void> {
    return this.sendUnpaced('profiles', profiles);
  }

  /** A day's product events (deposits placed, renewed, paid out), unpaced: a few per thousand postings. */
  sendProducts(events: readonly ProductEvent[]): Promise<void> {
    return this.sendUnpaced('products', events);
  }

  private async sendUnpaced<Role extends 'profiles' | 'products'>(role: Role, records: ReadonlyArray<RecordOf<Role>>): Promise<void> {
    for (let start = 0; start < records.length; start += UNPACED_BATCH) {
      const batch = records.slice(start, start + UNPACED_BATCH);
      const messages = await Promise.all(batch.map(async (record) => ({ key: record.customerId, value: await this.encoder.encode(role, record) })));
      await this.producer.send({ topic: this.topics[role], messages, acks: -1 });
    }
  }

  /** One day's postings, in order, in small paced batches. */
  async sendTransactions(transactions: readonly Transaction[]): Promise<void> {
    const size = this.pacer.batchSize;
    for (let start = 0; start < transactions.length; start += size) {
      const batch = transactions.slice(start, start + size);
      const messages = await Promise.all(batch.map(async (transaction) => ({ key: transaction.customerId, value: await this.encoder.encode('transactions', transaction) })));
      await this.pacer.beforeSending(messages.length);
      await this.producer.send({ topic: this.topics.transactions, messages, acks: -1 });
    }
  }

  get topicNames(): Readonly<Record<InputRole, string>> {
    return this.topics;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
