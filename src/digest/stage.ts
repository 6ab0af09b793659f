import kafkajs from 'kafkajs';
import type { Admin, Consumer, ConsumerRunConfig, Producer } from 'kafkajs';
import type { ServiceEnv } from '../config/env.ts';
import { createKafka } from '../adapters/kafka/client.ts';
import { watchConsumer } from '../adapters/kafka/consumer-health.ts';
import { startLagMonitor } from '../adapters/kafka/consumer-lag.ts';
import type { DigestOutputRole } from '../adapters/kafka/digest-publisher.ts';
import { createMissingTopics, topicConfigs } from '../adapters/kafka/topics.ts';
import { connectRedis, createRedis } from '../adapters/redis/client.ts';
import type { RedisClient } from '../adapters/redis/client.ts';
import { assertRegistryAnswers } from '../adapters/registry/client.ts';
import { connecting } from '../adapters/connection-error.ts';
import { connectionsOf, describeKafka, describeRedis, describeRegistry } from '../config/security.ts';
import { RedisDigestStore } from '../adapters/redis/digest-store.ts';
import { AvroDecoder } from '../adapters/registry/avro-decoder.ts';
import { AvroEncoder } from '../adapters/registry/avro-encoder.ts';
import { topicsFromEnv } from '../adapters/registry/schemas.ts';
import type { TopicsByRole } from '../adapters/registry/schemas.ts';
import { startHttpServer } from '../adapters/http/server.ts';
import type { HttpServer } from '../adapters/http/server.ts';
import { businessCalendar, DAY_MS } from '../core/calendar.ts';
import { digestSchedule } from '../core/digest.ts';
import type { CoreContext } from '../core/processor.ts';
import { loadRules } from '../core/rules.ts';
import type { Logger } from '../observability/logger.ts';
import { createDigestMetrics } from '../observability/metrics.ts';
import { inSpan, spanKinds, startTracing } from '../observability/tracing.ts';
import { startRulesReloader } from '../service/rules-reload.ts';
import { stopWithin } from '../service/stop-deadline.ts';
import { startTimerLoop } from '../service/timer-loop.ts';
import { digestScopeOf } from './deps.ts';
import type { DigestDeps } from './deps.ts';
import { flushPartition } from './flush.ts';
import { handleRoutineBatch } from './intake.ts';

export interface RunningDigestStage {
  httpPort: number;
  /**
   * Graceful: the flush loop finishes its pass, the batch in hand is stored and committed, then everything disconnects,
   * within TIDEWATCH_STOP_DEADLINE_MS; past it, rejects with a StopDeadlineError after logging what was left.
   */
  stop(): Promise<void>;
}

export interface DigestStageOptions {
  /** Wall clock for flush times and digest stamps (UTC millis); tests inject one to move time. */
  clock?: () => number;
}

/**
 * `tidewatch digest`: the second consumer group, on the routine topic (keyed by RM queue, so one instance owns an
 * RM's queue at a time). Routine alerts wait in Redis per partition; at each flush time of the rules (in the bank's
 * time zone) every queue with alerts whose window has ended gets one ranked digest on the RM digests topic.
 */
export async function startDigestStage(env: ServiceEnv, logger: Logger, options: DigestStageOptions = {}): Promise<RunningDigestStage> {
  const clock = options.clock ?? Date.now;
  const rules = loadRules(env.TIDEWATCH_RULES_FILE);
  const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: env.TIDEWATCH_UNASSIGNED_QUEUE };
  const metrics = createDigestMetrics();
  const tracing = await startTracing(process.env, 'tidewatch-digest', logger);
  const allTopics = topicsFromEnv(env);
  const topics: TopicsByRole<'rmRoutine' | DigestOutputRole> = { rmRoutine: allTopics.rmRoutine, rmDigests: allTopics.rmDigests, deadLetter: allTopics.deadLetter };
  const connections = connectionsOf(env);
  const kafka = createKafka(env.KAFKA_BROKERS, env.TIDEWATCH_CLIENT_ID, logger, connections.kafka);
  const redis: RedisClient = createRedis(connections.redis, logger);
  const store = new RedisDigestStore(redis, { prefix: env.TIDEWATCH_REDIS_PREFIX, dedupMs: env.TIDEWATCH_DIGEST_DEDUP_DAYS * DAY_MS });
  // idempotent: a producer retry never writes a digest twice; murmur2 keys as Java clients do
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  });
  const consumer: Consumer = kafka.consumer({ groupId: env.TIDEWATCH_DIGEST_GROUP_ID, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  const admin: Admin = kafka.admin();

  let owned: ReadonlySet<number> = new Set<number>();
  /** Partition → the flush instant this process last flushed it at: one pass per flush time, and one after assignment. */
  const flushedAt = new Map<number, number>();
  const watch = watchConsumer(consumer, {
    topic: topics.rmRoutine,
    redis,
    logger,
    metrics,
    onAssigned: (partitions) => {
      owned = partitions;
      // a partition handed back later may hold an outbox or cuts its other owner left: flush it again then
      flushedAt.clear();
    },
    // a crash kafkajs will not restart, of a broker going away or coming back: the consumer runs again (below)
    restart: () => consumer.run(consumerRun),
  });

  const http: HttpServer = await startHttpServer(
    env.TIDEWATCH_HTTP_HOST,
    env.TIDEWATCH_HTTP_PORT,
    watch.health,
    metrics.registry,
  );

  await connecting(describeRedis(connections.redis), () => connectRedis(redis));
  await connecting(describeKafka(connections.kafka), () => admin.connect());
  await connecting(describeRegistry(connections.registry), () => assertRegistryAnswers(connections.registry));
  if (env.TIDEWATCH_CREATE_TOPICS) {
    const mine = new Set(Object.values(topics));
    const configs = topicConfigs(allTopics, env.TIDEWATCH_TOPIC_PARTITIONS).filter((config) => mine.has(config.topic));
    const created = await createMissingTopics(admin, configs);
    if (created.length > 0) logger.info({ topics: created }, 'created missing topics');
  }
  const encoder = await AvroEncoder.connect(connections.registry, { rmDigests: topics.rmDigests, deadLetter: topics.deadLetter }, { register: env.TIDEWATCH_REGISTER_SCHEMAS });
  const deps: DigestDeps = { core, store, decoder: AvroDecoder.forUrl(connections.registry), encoder, producer, topics, metrics, clock };

  const lag = startLagMonitor({
    admin,
    consumer,
    groupId: env.TIDEWATCH_DIGEST_GROUP_ID,
    topics: [topics.rmRoutine],
    intervalMs: env.TIDEWATCH_LAG_INTERVAL_MS,
    metrics,
    logger,
  });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.rmRoutine], fromBeginning: true });
  const consumerRun: ConsumerRunConfig = {
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
      if (!isRunning() || isStale()) return;
      lag.batchStarted(batch.topic, batch.partition, Number(batch.messages[0]?.timestamp ?? clock()));
      const counts = { 'messaging.system': 'kafka', 'messaging.batch.message_count': batch.messages.length, 'messaging.destination.name': [batch.topic] };
      await inSpan('tidewatch consume', spanKinds.consumer, counts, async () => {
        await handleRoutineBatch(deps, batch);
        // committed only once the alerts are stored (and dead letters published)
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary();
      });
      lag.batchFinished(batch.topic, batch.partition, Number(batch.messages.at(-1)?.timestamp ?? clock()));
      await heartbeat();
    },
  };
  await consumer.run(consumerRun);

  const flushLoop = startTimerLoop({
    intervalMs: env.TIDEWATCH_DIGEST_INTERVAL_MS,
    logger,
    sweep: async () => {
      const now = clock();
      const cut = digestSchedule(core.rules.digest, core.calendar).latestFlushAtOrBefore(now);
      let pending = 0;
      for (const partition of [...owned]) {
        if (flushedAt.get(partition) !== cut) {
          try {
            const { staged, published, stale } = await flushPartition(deps, partition, now);
            if (staged > 0 || published > 0) logger.info({ partition, cut: new Date(cut).toISOString(), staged, published }, 'digests published');
            // a stale pass (another instance cut first) is read again on the next tick
            if (stale === 0) flushedAt.set(partition, cut);
          } catch (error) {
            logger.warn({ partition, err: error instanceof Error ? error.message : String(error) }, 'digest flush failed; retrying next tick');
          }
        }
        pending += await store.pendingCount(digestScopeOf(topics.rmRoutine, partition));
      }
      metrics.pendingAlerts.set(pending);
    },
  });
  // a changed rules file (or SIGHUP) swaps core.rules in place: the next pass uses its flush times and zone
  const rulesReloader = startRulesReloader({ file: env.TIDEWATCH_RULES_FILE, core, logger, metrics });
  logger.info({ httpPort: http.port, topics, rulesVersion: core.rules.version, digestEnabled: core.rules.digest.enabled }, 'tidewatch digest running');

  return {
    httpPort: http.port,
    async stop() {
      watch.stopping();
      rulesReloader.stop();
      await stopWithin(
        env.TIDEWATCH_STOP_DEADLINE_MS,
        [
          { name: 'lag monitor', run: () => lag.stop() },
          { name: 'flush pass', run: () => flushLoop.stop() },
          { name: 'batch in hand (store, commit)', run: () => consumer.stop() },
          { name: 'consumer (leave the group)', run: () => consumer.disconnect() },
          { name: 'producer (flush, disconnect)', run: () => producer.disconnect() },
          { name: 'admin', run: () => admin.disconnect() },
          { name: 'redis', run: () => redis.quit().catch(() => redis.disconnect()), abandon: () => redis.disconnect(false) },
          { name: 'http server', run: () => http.close() },
          { name: 'tracing (export buffered spans)', run: async () => tracing?.shutdown() },
        ],
        logger,
        () => ({ batchesInHand: lag.inFlight() }),
      );
      logger.info('tidewatch digest stopped');
    },
  };
}
