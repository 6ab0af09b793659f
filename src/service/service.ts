import kafkajs from 'kafkajs';
import type { Consumer, EachBatchPayload, Producer, Message } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { ServiceEnv } from '../config/env.ts';
import { createKafka } from '../adapters/kafka/client.ts';
import { AvroDecoder } from '../adapters/registry/avro-decoder.ts';
import { createRedis, redisAnswers } from '../adapters/redis/client.ts';
import { startHttpServer } from '../adapters/http/server.ts';
import type { HttpServer } from '../adapters/http/server.ts';
import { transactionSchema } from '../domain/transaction.ts';
import type { Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import type { Metrics } from '../observability/metrics.ts';
import { deadLetterMessage } from '../pipeline/dead-letter.ts';
import { admit } from '../pipeline/ingest.ts';

export interface RunningService {
  httpPort: number;
  /** Graceful: the batch in hand finishes, dead letters are flushed, offsets committed, then everything disconnects. */
  stop(): Promise<void>;
}

interface BatchDependencies {
  env: ServiceEnv;
  decoder: AvroDecoder;
  producer: Producer;
  metrics: Metrics;
}

/**
 * One fetched batch: decode and validate every record, dead-letter the bad ones with their reason, and only
 * then resolve and commit the offsets, so that a crash anywhere before the commit replays the batch instead of
 * losing a record. Admitted transactions are counted; the feature and detector core consumes them next.
 */
async function handleBatch(deps: BatchDependencies, payload: EachBatchPayload): Promise<void> {
  const { batch } = payload;
  const endTimer = deps.metrics.batchDuration.startTimer();
  const admissions = await Promise.all(
    batch.messages.map(async (message) => ({ message, admission: admit(await deps.decoder.decode(message.value), transactionSchema) })),
  );
  const failedAt = new Date();
  const deadLetters: Message[] = [];
  let admitted = 0;
  for (const { message, admission } of admissions) {
    if (admission.admitted) {
      admitted += 1;
      continue;
    }
    deps.metrics.deadLetters.inc({ reason: admission.reason });
    const source = { topic: batch.topic, partition: batch.partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers };
    deadLetters.push(deadLetterMessage(source, admission.reason, admission.detail, failedAt));
  }
  if (deadLetters.length > 0) {
    await deps.producer.send({ topic: deps.env.TIDEWATCH_TOPIC_DEAD_LETTER, messages: deadLetters, acks: -1 });
  }
  deps.metrics.recordsConsumed.inc({ topic: batch.topic, outcome: 'processed' }, admitted);
  deps.metrics.recordsConsumed.inc({ topic: batch.topic, outcome: 'dead_lettered' }, deadLetters.length);
  payload.resolveOffset(batch.lastOffset());
  await payload.commitOffsetsIfNecessary();
  await payload.heartbeat();
  endTimer();
}

async function ensureTopics(env: ServiceEnv, kafka: ReturnType<typeof createKafka>, logger: Logger): Promise<void> {
  if (!env.TIDEWATCH_CREATE_TOPICS) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = [env.TIDEWATCH_TOPIC_TRANSACTIONS, env.TIDEWATCH_TOPIC_DEAD_LETTER];
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      topics: missing.map((topic) => ({ topic, numPartitions: env.TIDEWATCH_TOPIC_PARTITIONS })),
      waitForLeaders: true,
    });
    logger.info({ topics: missing }, 'created missing topics');
  } finally {
    await admin.disconnect();
  }
}

export async function startService(env: ServiceEnv, logger: Logger): Promise<RunningService> {
  const metrics = createMetrics();
  const kafka = createKafka(env.KAFKA_BROKERS, env.TIDEWATCH_CLIENT_ID, logger);
  const redis: Redis = createRedis(env.REDIS_URL, logger);
  const decoder = AvroDecoder.forUrl(env.SCHEMA_REGISTRY_URL);
  // murmur2 on the key, as Java clients do: every producer of the topic puts a customer on the same partition
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  const consumer: Consumer = kafka.consumer({ groupId: env.TIDEWATCH_GROUP_ID, allowAutoTopicCreation: false });

  let joinedGroup = false;
  let fatal = false;
  let stopping = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedGroup = true;
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    metrics.consumerCrashes.inc();
    joinedGroup = false;
    if (!payload.restart) fatal = true;
    logger.error({ err: payload.error.message, restart: payload.restart }, 'consumer crashed');
  });

  const http: HttpServer = await startHttpServer(
    env.TIDEWATCH_HTTP_HOST,
    env.TIDEWATCH_HTTP_PORT,
    {
      live: () => !fatal,
      ready: async () => {
        const checks = { kafkaConsumerJoined: joinedGroup, redis: await redisAnswers(redis), running: !stopping && !fatal };
        return { ready: Object.values(checks).every(Boolean), checks };
      },
    },
    metrics.registry,
  );

  await redis.connect();
  await ensureTopics(env, kafka, logger);
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: env.TIDEWATCH_TOPIC_TRANSACTIONS, fromBeginning: true });
  const deps: BatchDependencies = { env, decoder, producer, metrics };
  await consumer.run({
    eachBatchAutoResolve: false,
    eachBatch: (payload) => handleBatch(deps, payload),
  });
  logger.info({ httpPort: http.port, topic: env.TIDEWATCH_TOPIC_TRANSACTIONS }, 'tidewatch running');

  return {
    httpPort: http.port,
    async stop() {
      stopping = true;
      await consumer.disconnect();
      await producer.disconnect();
      await redis.quit().catch(() => redis.disconnect());
      await http.close();
      logger.info('tidewatch stopped');
    },
  };
}
