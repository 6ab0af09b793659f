import { join } from 'node:path';
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
} as const;

/** Where profiles and transactions go; labels and the manifest are always files. */
export interface RecordSink {
  readonly output: Manifest['output'];
  profiles(profiles: readonly CustomerProfile[]): Promise<void>;
  transactions(transactions: readonly Transaction[]): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** JSON Lines, each line the Avro record as JSON, every record checked against its schema first. */
export class JsonLinesSink implements RecordSink {
  readonly output: Manifest['output'] = { to: 'jsonl', profiles: fileNames.profiles, transactions: fileNames.transactions, labels: fileNames.labels };
  private readonly profileFile: JsonLinesFile;
  private readonly transactionFile: JsonLinesFile;

  constructor(folder: string) {
    this.profileFile = new JsonLinesFile(join(folder, fileNames.profiles));
    this.transactionFile = new JsonLinesFile(join(folder, fileNames.transactions));
  }

  async profiles(profiles: readonly CustomerProfile[]): Promise<void> {
    await this.profileFile.addAll(profiles.map((profile) => JSON.stringify(validated(customerProfileSchema, profile, 'profile'))));
  }

  async transactions(transactions: readonly Transaction[]): Promise<void> {
    for (const transaction of transactions) {
      if (this.transactionFile.add(transactionLine(validated(transactionSchema, transaction, 'transaction')))) await this.transactionFile.flush();
    }
  }

  async finish(): Promise<void> {
    await this.profileFile.close();
    await this.transactionFile.close();
  }

  async abort(): Promise<void> {
    await Promise.all([this.profileFile.discard(), this.transactionFile.discard()]);
  }
}

/** Kafka topics through the schema registry (the encoder checks each record against its zod mirror). */
export class KafkaRecordSink implements RecordSink {
  readonly output: Manifest['output'];

  private constructor(private readonly sink: KafkaSink) {
    this.output = { to: 'kafka', profilesTopic: sink.topicNames.profiles, transactionsTopic: sink.topicNames.transactions, labels: fileNames.labels };
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

  finish(): Promise<void> {
    return this.sink.close();
  }

  abort(): Promise<void> {
    return this.sink.close();
  }
}
