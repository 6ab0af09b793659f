import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { productEventSchema } from '../../src/domain/product-event.ts';
import type { ProductEvent } from '../../src/domain/product-event.ts';
import { customerProfileSchema } from '../../src/domain/profile.ts';
import type { CustomerProfile } from '../../src/domain/profile.ts';
import { transactionSchema } from '../../src/domain/transaction.ts';
import type { Transaction } from '../../src/domain/transaction.ts';
import { labelSchema } from '../../src/generate/labels.ts';
import { manifestSchema } from '../../src/generate/manifest.ts';
import { defaultTierFloorsMinor } from '../../src/generate/options.ts';
import type { BankOptions } from '../../src/generate/options.ts';
import { generate } from '../../src/generate/run.ts';
import type { GenerateRequest } from '../../src/generate/run.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, readTopic } from '../support/kafka-io.ts';

const bank: BankOptions = {
  customers: 24,
  months: 2,
  start: '2025-01-01',
  seed: 5,
  currency: 'CZK',
  churnShare: 0.25,
  growShare: 0.25,
  rms: 2,
  tierFloorsMinor: defaultTierFloorsMinor,
};

const quietly = { stdout: () => {}, stderr: () => {}, stderrIsTTY: false };

describeIntegration('generate to kafka', (context) => {
  const topics = { transactions: context.topic('transactions'), profiles: context.topic('profiles'), products: context.topic('products') };
  const folders: string[] = [];
  const folder = async () => {
    const made = await mkdtemp(join(tmpdir(), 'tidewatch-generate-kafka-'));
    folders.push(made);
    return made;
  };

  beforeAll(async () => {
    await context.createTopics([
      { topic: topics.transactions, numPartitions: 3 },
      { topic: topics.profiles, numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      { topic: topics.products, numPartitions: 3 },
    ]);
  });

  afterAll(async () => {
    await Promise.all(folders.map((made) => rm(made, { recursive: true, force: true })));
  });

  it('produces the same bank as the files, as Avro keyed by customer, paced, with labels and manifest in --out', async () => {
    const kafkaOut = await folder();
    const request: GenerateRequest = { bank, out: kafkaOut, to: 'kafka', rate: 4000, quiet: true };
    const env = {
      KAFKA_BROKERS: context.endpoints.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: context.endpoints.schemaRegistryUrl,
      TIDEWATCH_TOPIC_TRANSACTIONS: topics.transactions,
      TIDEWATCH_TOPIC_PROFILES: topics.profiles,
      TIDEWATCH_TOPIC_PRODUCTS: topics.products,
      TIDEWATCH_CREATE_TOPICS: 'false',
    };
    const startedAt = performance.now();
    const summary = await generate(request, { env, ...quietly });
    const elapsedMs = performance.now() - startedAt;

    const filesOut = await folder();
    await generate({ ...request, out: filesOut, to: 'jsonl', rate: null }, { env: {}, ...quietly });
    const lines = async (name: string) => (await readFile(join(filesOut, name), 'utf8')).split('\n').filter((line) => line !== '');
    const fileProfiles = (await lines('profiles.jsonl')).map((line) => customerProfileSchema.parse(JSON.parse(line)));
    const fileTransactions = (await lines('transactions.jsonl')).map((line) => transactionSchema.parse(JSON.parse(line)));
    const fileProducts = (await lines('products.jsonl')).map((line) => productEventSchema.parse(JSON.parse(line)));
    const fileUpdates = (await lines('profile-updates.jsonl')).map((line) => customerProfileSchema.parse(JSON.parse(line)));

    const kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    const profiles = await readTopic<CustomerProfile>(kafka, context.endpoints.schemaRegistryUrl, topics.profiles);
    const transactions = await readTopic<Transaction>(kafka, context.endpoints.schemaRegistryUrl, topics.transactions);
    const products = await readTopic<ProductEvent>(kafka, context.endpoints.schemaRegistryUrl, topics.products);

    // the reference data at the start, then the RM departures and reassignments on the same (compacted) topic
    expect(fileUpdates.length).toBeGreaterThan(0);
    expect(profiles).toHaveLength(bank.customers + fileUpdates.length);
    expect(profiles.every((record) => record.key === record.value.customerId)).toBe(true);
    const byId = <T extends { customerId: string }>(records: T[]) => [...records].sort((a, b) => a.customerId.localeCompare(b.customerId));
    const initial = profiles.filter((record) => record.value.updatedAt === fileProfiles[0]!.updatedAt);
    expect(byId(initial.map((record) => ({ ...record.value })))).toEqual(byId(fileProfiles));
    expect(byId(profiles.filter((record) => !initial.includes(record)).map((record) => ({ ...record.value })))).toEqual(byId(fileUpdates));

    // product events keyed by customer, co-partitioned with their postings
    expect(fileProducts.length).toBeGreaterThan(0);
    expect(products).toHaveLength(fileProducts.length);
    expect(products.every((record) => record.key === record.value.customerId)).toBe(true);
    expect(byId(products.map((record) => ({ ...record.value })))).toEqual(byId(fileProducts));

    expect(transactions).toHaveLength(summary.transactions);
    expect(transactions).toHaveLength(fileTransactions.length);
    expect(transactions.every((record) => record.key === record.value.customerId)).toBe(true);
    // keyed by customer: each customer on one partition, their postings in the file's order
    const partitionsOf = new Map<string, Set<number>>();
    for (const record of transactions) partitionsOf.set(record.value.customerId, (partitionsOf.get(record.value.customerId) ?? new Set()).add(record.partition));
    expect([...partitionsOf.values()].every((partitions) => partitions.size === 1)).toBe(true);
    expect(new Set(transactions.map((record) => record.partition)).size).toBeGreaterThan(1);
    const idsPerCustomer = (list: Transaction[]) => {
      const ids = new Map<string, string[]>();
      for (const transaction of list) ids.set(transaction.customerId, [...(ids.get(transaction.customerId) ?? []), transaction.transactionId]);
      return ids;
    };
    expect(idsPerCustomer(transactions.map((record) => record.value))).toEqual(idsPerCustomer(fileTransactions));
    const fromFile = new Map(fileTransactions.map((transaction) => [transaction.transactionId, transaction]));
    expect(transactions.every((record) => JSON.stringify({ ...record.value }) === JSON.stringify(fromFile.get(record.value.transactionId)))).toBe(true);

    // paced: at 4000 a second, the transactions cannot have gone out faster than that
    expect(elapsedMs).toBeGreaterThanOrEqual((summary.transactions / 4000) * 1000 * 0.9);

    const labels = (await readFile(join(kafkaOut, 'labels.jsonl'), 'utf8')).split('\n').filter((line) => line !== '').map((line) => labelSchema.parse(JSON.parse(line)));
    expect(labels).toHaveLength(12);
    expect(await readFile(join(kafkaOut, 'labels.jsonl'), 'utf8')).toBe(await readFile(join(filesOut, 'labels.jsonl'), 'utf8'));
    const manifest = manifestSchema.parse(JSON.parse(await readFile(join(kafkaOut, 'manifest.json'), 'utf8')));
    expect(manifest.output).toEqual({ to: 'kafka', profilesTopic: topics.profiles, transactionsTopic: topics.transactions, productsTopic: topics.products, labels: 'labels.jsonl' });
    expect(manifest.counts).toMatchObject({ productEvents: fileProducts.length, profileUpdates: fileUpdates.length });
    expect(manifest.counts.transactions).toBe(summary.transactions);
  });

  it('names the missing environment variable instead of connecting anywhere', async () => {
    const out = await folder();
    await expect(generate({ bank, out, to: 'kafka', rate: null, quiet: true }, { env: { SCHEMA_REGISTRY_URL: 'http://localhost:1' }, ...quietly })).rejects.toThrow(
      /KAFKA_BROKERS: required, not set/,
    );
  });
});
