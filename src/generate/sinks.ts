import { join } from 'node:path';
import { productEventSchema } from '../domain/product-event.ts';
import type { ProductEvent } from '../domain/product-event.ts';
import { customerProfileSchema } from '../domain/profile.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import { transactionSchema } from '../domain/transaction.ts';
import type { Transaction } from '../domain/transaction.ts';
import { JsonLinesFile } from './jsonl-file.ts';
import { transactionLine } from './transaction-line.ts';
import type { GeneratorKafkaEnv } from './kafka-env.ts';
import { KafkaSink } from './kafka-sink.ts';
import type { Manifest } from './manifest.ts';
import { validated } from './validate.ts';

export const fileNames = {
  profiles: 'profiles.jsonl',
  transactions: 'transactions.jsonl',
  labels: 'labels.jsonl',
  manifest: 'manifest.json',
  products: 'products.jsonl',
  profileUpdates: 'profile-updates.jsonl',
} as const;

/** Where profiles, transactions, product events and profile updates go; labels and the manifest are always files. */
export interface RecordSink {
  readonly output: Manifest['output'];
  /** The reference data at the start. */
  profiles(profiles: readonly CustomerProfile[]): Promise<void>;
  transactions(transactions: readonly Transaction[]): Promise<void>;
  products(events: readonly ProductEvent[]): Promise<void>;
  /** Changes of reference data (RM departures and reassignments), in `updatedAt` order. */
  profileUpdates(profiles: readonly CustomerProfile[]): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** JSON Lines, each line the Avro record as JSON, every record checked against its schema first. */
export class JsonLinesSink implements RecordSink {
  readonly output: Manifest['output'] = {
    to: 'jsonl',
    profiles: fileNames.profiles,
    transactions: fileNames.transactions,
    labels: fileNames.labels,
    products: fileNames.products,
    profileUpdates: fileNames.profileUpdates,
  };
  private readonly profileFile: JsonLinesFile;
  private readonly transactionFile: JsonLinesFile;
  private readonly productFile: JsonLinesFile;
  private readonly profileUpdateFile: JsonLinesFile;

  constructor(folder: string) {
    this.profileFile = new JsonLinesFile(join(folder, fileNames.profiles));
    this.transactionFile = new JsonLinesFile(join(folder, fileNames.transactions));
    this.productFile = new JsonLinesFile(join(folder, fileNames.products));
    this.profileUpdateFile = new JsonLinesFile(join(folder, fileNames.profileUpdates));
  }

  async profiles(profiles: readonly CustomerProfile[]): Promise<void> {
    await this.profileFile.addAll(profiles.map((profile) => JSON.stringify(validated(customerProfileSchema, profile, 'profile'))));
  }

  async transactions(transactions: readonly Transaction[]): Promise<void> {
    for (const transaction of transactions) {
      if (this.transactionFile.add(transactionLine(validated(transactionSchema, transaction, 'transaction')))) await this.transactionFile.flush();
    }
  }

  async products(events: readonly ProductEvent[]): Promise<void> {
    for (const event of events) {
      if (this.productFile.add(JSON.stringify(validated(productEventSchema, event, 'product event')))) await this.productFile.flush();
    }
  }

  async profileUpdates(profiles: readonly CustomerProfile[]): Promise<void> {
    for (const profile of profiles) {
      if (this.profileUpdateFile.add(JSON.stringify(validated(customerProfileSchema, profile, 'profile update')))) await this.profileUpdateFile.flush();
    }
  }

  async finish(): Promise<void> {
    for (const file of this.files()) await file.close();
  }

  async abort(): Promise<void> {
    await Promise.all(this.files().map((file) => file.discard()));
  }

  private files(): JsonLinesFile[] {
    return [this.profileFile, this.transactionFile, this.productFile, this.profileUpdateFile];
  }
}

/** Kafka topics through the schema registry (the encoder checks each record against its zod mirror). */
export class KafkaRecordSink implements RecordSink {
  readonly output: Manifest['output'];

  private constructor(private readonly sink: KafkaSink) {
    this.output = {
      to: 'kafka',
      profilesTopic: sink.topicNames.profiles,
      transactionsTopic: sink.topicNames.transactions,
      productsTopic: sink.topicNames.products,
      labels: fileNames.labels,
    };
  }

  static async open(env: GeneratorKafkaEnv, ratePerSecond: number | null, writeStderr: (line: string) => void): Promise<KafkaRecordSink> {
    return new KafkaRecordSink(await KafkaSink.open(env, ratePerSecond, writeStderr));
  }

  profiles(profiles: readonly CustomerProfile[]): Promise<void> {
    return this.sink.sendProfiles(profiles);
  }

  transactions(transactions: readonly Transaction[]): Promise<void> {
    return this.sink.sendTransactions(transactions);
  }

  products(events: readonly ProductEvent[]): Promise<void> {
    return this.sink.sendProducts(events);
  }

  /** To the profiles topic, like the reference data: the latest record per customer is what counts. */
  profileUpdates(profiles: readonly CustomerProfile[]): Promise<void> {
    return this.sink.sendProfiles(profiles);
  }

  finish(): Promise<void> {
    return this.sink.close();
  }

  abort(): Promise<void> {
    return this.sink.close();
  }
}
