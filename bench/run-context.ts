import { createSchemaRegistry } from '../src/adapters/registry/client.ts';
import kafkajs from 'kafkajs';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { Redis } from 'ioredis';
import { registerSchemas } from '../src/adapters/registry/schemas.ts';
import type { CleanupStack } from './cleanup-stack.ts';
import { deleteKafkaResources, deleteKeysWithPrefix, deleteSubjects } from './cleanup.ts';
import type { BenchConfig } from './config.ts';
import { generateDataSet, historyChunks } from './dataset.ts';
import type { DataSet } from './dataset.ts';
import { createTopics, kafkaFor, topicEnds } from './kafka.ts';
import type { Offsets } from './kafka.ts';
import { benchNames } from './names.ts';
import type { BenchNames } from './names.ts';
import { chunked, produceChunks } from './produce.ts';
import type { AvroTarget } from './produce.ts';
import { say, seconds } from './progress.ts';
import { acquireServices } from './services.ts';
import type { Services } from './services.ts';

const PRODUCE_CHUNK = 2_000;

/** The services, clients and names of one run; everything it creates is undone by the cleanup stack. */
export interface RunContext {
  config: BenchConfig;
  services: Services;
  names: BenchNames;
  kafka: Kafka;
  admin: Admin;
  redis: Redis;
  producer: Producer;
  transactionsTarget: AvroTarget;
  profilesTarget: AvroTarget;
}

export async function prepareRun(config: BenchConfig, cleanup: CleanupStack): Promise<RunContext> {
  const services = await acquireServices();
  cleanup.push('release the local stack', () => services.release());
  const { endpoints } = services;
  const names = benchNames(config.BENCH_RAW_ROUNDS);
  say(`run ${names.runId} on ${services.source}: kafka ${endpoints.kafkaBrokers.join(',')}, registry ${endpoints.schemaRegistryUrl}, redis ${endpoints.redisUrl}`);

  const kafka = kafkaFor(endpoints.kafkaBrokers, `tw-bench-${names.runId}`);
  const admin = kafka.admin();
  await admin.connect();
  cleanup.push('disconnect the admin client', () => admin.disconnect());
  const redis = new Redis(endpoints.redisUrl, { lazyConnect: true });
  await redis.connect();
  cleanup.push('close redis', () => redis.quit());
  // pushed before anything that uses them, so it runs after the service and the clients have stopped
  cleanup.push('delete the run’s topics, groups, subjects and keys', async () => {
    await deleteKafkaResources(admin, names);
    await deleteSubjects(endpoints.schemaRegistryUrl, names);
    const keys = await deleteKeysWithPrefix(redis, names.redisPrefix);
    say(`cleanup: removed topics, groups, subjects and ${keys.toLocaleString('en-US')} Redis keys under ${names.redisPrefix}`);
  });
  await createTopics(admin, Object.values(names.topics));

  const schemaIds = await registerSchemas(endpoints.schemaRegistryUrl, { transactions: names.topics.transactions, profiles: names.topics.profiles });
  const registry = createSchemaRegistry(endpoints.schemaRegistryUrl);
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  cleanup.push('disconnect the producer', () => producer.disconnect());
  return {
    config,
    services,
    names,
    kafka,
    admin,
    redis,
    producer,
    transactionsTarget: { registry, schemaId: schemaIds.transactions, topic: names.topics.transactions },
    profilesTarget: { registry, schemaId: schemaIds.profiles, topic: names.topics.profiles },
  };
}

export interface LoadedDataSet {
  dataSet: DataSet;
  profiles: number;
  transactions: number;
  produceMs: number;
  ends: { transactions: Offsets; profiles: Offsets };
}

/** Generates the synthetic bank and produces it: profiles first, then the history in event-time order. */
export async function loadDataSet(run: RunContext): Promise<LoadedDataSet> {
  const { config } = run;
  const generatedAt = performance.now();
  const dataSet = generateDataSet({ seed: config.BENCH_SEED, customers: config.BENCH_CUSTOMERS, transactions: config.BENCH_TRANSACTIONS, days: config.BENCH_DAYS }, Date.now());
  say(`planned ${dataSet.planned.length.toLocaleString('en-US')} postings for ${dataSet.customers.length.toLocaleString('en-US')} customers in ${seconds(performance.now() - generatedAt)}`);
  const producedAt = performance.now();
  const profiles = await produceChunks(run.producer, run.profilesTarget, chunked(dataSet.profiles, PRODUCE_CHUNK));
  const transactions = await produceChunks(run.producer, run.transactionsTarget, historyChunks(dataSet, PRODUCE_CHUNK));
  const produceMs = performance.now() - producedAt;
  say(`produced ${profiles.toLocaleString('en-US')} profiles and ${transactions.toLocaleString('en-US')} transactions in ${seconds(produceMs)}`);
  const ends = { transactions: await topicEnds(run.admin, run.names.topics.transactions), profiles: await topicEnds(run.admin, run.names.topics.profiles) };
  return { dataSet, profiles, transactions, produceMs, ends };
}
