import kafkajs from 'kafkajs';
import type { Admin, Batch, Consumer, ConsumerRunConfig, EachBatchPayload, OffsetsByTopicPartition, Producer } from 'kafkajs';
import type { Attributes } from '@opentelemetry/api';
import type { ServiceEnv } from '../config/env.ts';
import { connectionsOf, describeKafka, describeRedis, describeRegistry } from '../config/security.ts';
import { connecting } from '../adapters/connection-error.ts';
import { createKafka } from '../adapters/kafka/client.ts';
import { watchConsumer } from '../adapters/kafka/consumer-health.ts';
import { startLagMonitor } from '../adapters/kafka/consumer-lag.ts';
import type { LagMonitor } from '../adapters/kafka/consumer-lag.ts';
import { coPartitionedAssigner } from '../adapters/kafka/co-partitioned-assigner.ts';
import type { OutputRole } from '../adapters/kafka/publisher.ts';
import { assertCoPartitioned, createMissingTopics, topicConfigs } from '../adapters/kafka/topics.ts';
import { AvroDecoder } from '../adapters/registry/avro-decoder.ts';
import { AvroEncoder } from '../adapters/registry/avro-encoder.ts';
import { registerSchemas, topicsFromEnv } from '../adapters/registry/schemas.ts';
import type { TopicsByRole } from '../adapters/registry/schemas.ts';
import { connectRedis, createRedis } from '../adapters/redis/client.ts';
import type { RedisClient } from '../adapters/redis/client.ts';
import { assertRegistryAnswers } from '../adapters/registry/client.ts';
import { RedisStateStore } from '../adapters/redis/state-store.ts';
import { startHttpServer } from '../adapters/http/server.ts';
import { TokensFile } from '../adapters/http/bearer-tokens.ts';
import type { HttpServer } from '../adapters/http/server.ts';
import { businessCalendar } from '../core/calendar.ts';
import { loadRules } from '../core/rules.ts';
import type { CoreContext } from '../core/processor.ts';
import type { Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { inSpan, spanKinds, startTracing } from '../observability/tracing.ts';
import { BatchCoalescer } from './batch-coalescer.ts';
import { featuresRoute } from './features-route.ts';
import { DeferredSettles } from './deferred-settles.ts';
import { fetchWait } from './fetch-wait.ts';
import { OwnedPartitions } from './owned-partitions.ts';
import { PartitionClocks } from './partition-clocks.ts';
import { PartitionLocks } from './partition-locks.ts';
import { startRulesReloader } from './rules-reload.ts';
import { stopWithin } from './stop-deadline.ts';
import { configAuditTrail } from './config-audit.ts';
import { handleOutcomeBatch, handleProductBatch, handleProfileBatch, handleTransactionBatches, sweepTimers, timerScopeOf } from './pipeline.ts';
import type { PipelineDeps } from './pipeline.ts';
import { StateGuard } from './state-guard.ts';
import { startTimerLoop } from './timer-loop.ts';

export interface RunningService {
  httpPort: number;
  /**
   * Graceful: timers stop, fetching stops, the batch in hand finishes and is published, offsets are committed, then
   * everything disconnects, within TIDEWATCH_STOP_DEADLINE_MS; past it, rejects with a StopDeadlineError after logging
   * what was left.
   */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Wall clock for timers and detection stamps (UTC millis); tests inject one to move time. */
  clock?: () => number;
}

const DAY_SECONDS = 86_400;
/** kafkajs workers: at least the partitions one instance may own, so that a fetch is processed as one unit. */
const PARTITIONS_AT_ONCE = 64;

/** The one place where the adapters are wired to the core for the long-running service. */
export async function startService(env: ServiceEnv, logger: Logger, options: ServiceOptions = {}): Promise<RunningService> {
  const clock = options.clock ?? Date.now;
  const rules = loadRules(env.TIDEWATCH_RULES_FILE);
  const core: CoreContext = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: env.TIDEWATCH_UNASSIGNED_QUEUE };
  const metrics = createMetrics();
  // OTEL_* are the OpenTelemetry SDK's own variables, read where it reads them (not part of ServiceEnv)
  const tracing = await startTracing(process.env, 'tidewatch', logger);
  const topics = topicsFromEnv(env);
  const connections = connectionsOf(env);
  const kafka = createKafka(env.KAFKA_BROKERS, env.TIDEWATCH_CLIENT_ID, logger, connections.kafka);
  const redis: RedisClient = createRedis(connections.redis, logger);
  const store = new RedisStateStore(redis, { prefix: env.TIDEWATCH_REDIS_PREFIX, stateTtlSeconds: env.TIDEWATCH_STATE_TTL_DAYS * DAY_SECONDS });
  // idempotent: a producer retry never writes an alert twice; murmur2 keys as Java clients do
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  });
  // 256 KiB per partition (~2,000 records) bounds a fetch's memory; the broker answers as soon as data is there, or,
  // with a coalescing interval, once it holds a full partition's fetch or the interval has passed (fetchWait)
  // a customer's partition n of every input topic goes to one instance (co-partitioned); round robin stays listed so
  // that instances of an older version, which know only that, can share the group during a rolling upgrade
  const consumer: Consumer = kafka.consumer({
    groupId: env.TIDEWATCH_GROUP_ID,
    allowAutoTopicCreation: false,
    ...fetchWait(env.TIDEWATCH_WRITE_COALESCE_MS),
    // a member killed with SIGKILL never leaves the group: its partitions wait sessionTimeout for a new owner
    // (kafkajs' 30 s by default; it has no static membership). 10 s, heartbeats every second (a unit heartbeats too)
    sessionTimeout: env.TIDEWATCH_SESSION_TIMEOUT_MS,
    heartbeatInterval: Math.max(100, Math.floor(env.TIDEWATCH_SESSION_TIMEOUT_MS / 10)),
    rebalanceTimeout: 2 * env.TIDEWATCH_SESSION_TIMEOUT_MS,
    partitionAssigners: [coPartitionedAssigner, kafkajs.PartitionAssigners.roundRobin],
  });
  // The audit trail has a producer of its own. kafkajs keeps every topic a producer ever sent to in its metadata set
  // and asks for all of them on each refresh; a send to a topic that does not exist is dropped from the set, unless
  // the broker was unreachable at that moment: then the topic stays, and once the broker is back every metadata
  // refresh of that producer fails with UNKNOWN_TOPIC_OR_PARTITION while the topic does not exist. On the alerts'
  // producer, a missing (or forbidden) audit topic plus a broker restart during one audit send stopped every alert
  // until the process restarted (the consumer crash-looped, liveness stayed up: the fault suite's broker lane).
  // Apart, only audit records can be lost that way.
  const auditProducer: Producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  const admin: Admin = kafka.admin();

  let owned: ReadonlySet<number> = new Set<number>();
  const clocks = new PartitionClocks();
  const settles = new DeferredSettles();
  const locks = new PartitionLocks();
  const ownedPartitions = new OwnedPartitions(store, {
    scopeOf: (partition) => timerScopeOf(topics.transactions, partition),
    maxCustomers: env.TIDEWATCH_STATE_CACHE_CUSTOMERS,
    onLoaded: (fromMemory, fromRedis) => {
      metrics.stateLoads.inc({ source: 'memory' }, fromMemory);
      metrics.stateLoads.inc({ source: 'redis' }, fromRedis);
    },
    onDropped: (partition, reason, customers) => {
      metrics.stateCacheDrops.inc({ reason });
      if (reason === 'revoked') logger.info({ partition, customers }, 'partition revoked: its cached states dropped');
      else logger.warn({ partition, customers, reason }, 'partition taken by another instance meanwhile: its cached states dropped, Redis is read again');
    },
  });
  const guard = new StateGuard({
    redis,
    admin,
    prefix: env.TIDEWATCH_REDIS_PREFIX,
    groupId: env.TIDEWATCH_GROUP_ID,
    inputTopics: [topics.transactions, topics.profiles, topics.outcomes, topics.products],
    scopeOf: (partition) => timerScopeOf(topics.transactions, partition),
    metrics,
    logger,
    intervalMs: env.TIDEWATCH_REDIS_CHECK_INTERVAL_MS,
    adoptExistingState: env.TIDEWATCH_ADOPT_STATE,
  });
  const watch = watchConsumer(consumer, {
    topic: topics.transactions,
    redis,
    logger,
    metrics,
    onAssigned: (partitions) => {
      owned = partitions;
      ownedPartitions.assigned(owned);
      clocks.retainOnly(owned);
      settles.retainOnly(owned);
      guard.retainOnly(owned);
    },
    checks: () => guard.checks(),
    // a crash kafkajs will not restart, of a broker going away or coming back: the consumer runs again (below)
    restart: () => consumer.run(consumerRun),
  });

  // read before anything connects: a broken tokens file stops the start with its reason
  const tokensFile =
    env.TIDEWATCH_FEATURES_TOKENS_FILE === undefined
      ? null
      : new TokensFile(env.TIDEWATCH_FEATURES_TOKENS_FILE, {
          onRefused: (error) => logger.error({ err: error.message }, 'features tokens file refused: the tokens in force stay'),
          onReloaded: (count) => logger.info({ tokens: count }, 'features tokens reloaded'),
        });
  const features = featuresRoute(store, core, clock, {
    tokens: () => tokensFile?.current() ?? null,
    onAccess: ({ grant, outcome }) => {
      if (outcome !== 'served') logger.info({ grant, outcome }, 'features request refused');
    },
  });
  const http: HttpServer = await startHttpServer(env.TIDEWATCH_HTTP_HOST, env.TIDEWATCH_HTTP_PORT, watch.health, metrics.registry, [features], {
    onRouteError: (error) => logger.error({ err: error instanceof Error ? error.message : String(error) }, 'http request failed'),
  });

  await connecting(describeRedis(connections.redis), () => connectRedis(redis));
  await guard.start();
  await connecting(describeKafka(connections.kafka), () => admin.connect());
  await connecting(describeRegistry(connections.registry), () => assertRegistryAnswers(connections.registry));
  if (env.TIDEWATCH_CREATE_TOPICS) {
    const created = await createMissingTopics(admin, topicConfigs(topics, env.TIDEWATCH_TOPIC_PARTITIONS));
    if (created.length > 0) logger.info({ topics: created }, 'created missing topics');
  }
  await assertCoPartitioned(admin, topics.transactions, topics.products);
  // the routine topic even while the digest is off: a rules reload may switch it on without a restart
  const outputs: TopicsByRole<OutputRole> = {
    rmAlerts: topics.rmAlerts,
    rmRoutine: topics.rmRoutine,
    risk: topics.risk,
    campaign: topics.campaign,
    deadLetter: topics.deadLetter,
  };
  if (env.TIDEWATCH_REGISTER_SCHEMAS) {
    await registerSchemas(connections.registry, {
      transactions: topics.transactions,
      profiles: topics.profiles,
      outcomes: topics.outcomes,
      products: topics.products,
    });
  }
  const encoder = await AvroEncoder.connect(connections.registry, outputs, { register: env.TIDEWATCH_REGISTER_SCHEMAS });
  const deps: PipelineDeps = { core, store, owned: ownedPartitions, decoder: AvroDecoder.forUrl(connections.registry), encoder, producer, topics, metrics, clocks, settles, clock };

  const inputTopics = [topics.transactions, topics.profiles, topics.outcomes, topics.products];
  const lag = startLagMonitor({ admin, consumer, groupId: env.TIDEWATCH_GROUP_ID, topics: inputTopics, intervalMs: env.TIDEWATCH_LAG_INTERVAL_MS, metrics, logger });
  await producer.connect();
  await auditProducer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: inputTopics, fromBeginning: true });
  const coalescer = new BatchCoalescer<EachBatchPayload>((unit) => watch.track(() => processUnit(deps, locks, lag, guard, unit)));
  const consumerRun: ConsumerRunConfig = {
    eachBatchAutoResolve: false,
    // every partition of a fetch at once, so that the coalescer makes one unit of them
    partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
    eachBatch: (payload) => coalescer.submit(payload),
  };
  await consumer.run(consumerRun);

  const timers = startTimerLoop({
    intervalMs: env.TIDEWATCH_TIMER_INTERVAL_MS,
    logger,
    sweep: async () => {
      await learnIdlePartitions(admin, env.TIDEWATCH_GROUP_ID, topics.transactions, owned, clocks);
      for (const partition of owned) {
        // a partition lost with Redis' data, or taken by another instance under this one: no timers until reassigned
        if (guard.isLost(partition) || !ownedPartitions.mayWork(partition)) continue;
        const now = clocks.timerNow(partition, clock());
        if (now === undefined) continue;
        await locks.run(partition, () => sweepTimers(deps, partition, now));
      }
    },
  });
  // from here on a changed rules file (or SIGHUP) swaps core.rules in place; an invalid one is refused and logged
  const audit = configAuditTrail(
    {
      producer: auditProducer,
      encoder: () => AvroEncoder.connect(env.SCHEMA_REGISTRY_URL, { audit: topics.audit }, { register: env.TIDEWATCH_REGISTER_SCHEMAS }),
      topic: topics.audit,
      logger,
    },
    { process: env.TIDEWATCH_CLIENT_ID, ...(env.TIDEWATCH_AUDIT_ACTOR !== undefined && { actor: env.TIDEWATCH_AUDIT_ACTOR }) },
  );
  const rulesReloader = startRulesReloader({ file: env.TIDEWATCH_RULES_FILE, core, logger, metrics, onLoaded: (load) => audit.record({ kind: 'RULES', ...load }) });
  logger.info({ httpPort: http.port, topics, rulesVersion: core.rules.version }, 'tidewatch running');

  return {
    httpPort: http.port,
    async stop() {
      watch.stopping();
      guard.stop();
      rulesReloader.stop();
      await stopWithin(
        env.TIDEWATCH_STOP_DEADLINE_MS,
        [
          { name: 'lag monitor', run: () => lag.stop() },
          { name: 'timer sweep', run: () => timers.stop() },
          // kafkajs: no more fetches; the batch in hand runs to its end (alerts published, offsets committed)
          { name: 'batch in hand (publish, commit)', run: () => consumer.stop() },
          { name: 'consumer (leave the group)', run: () => consumer.disconnect() },
          { name: 'audit records (flush)', run: () => audit.flush() },
          { name: 'audit producer (disconnect)', run: () => auditProducer.disconnect() },
          { name: 'producer (flush, disconnect)', run: () => producer.disconnect() },
          { name: 'admin', run: () => admin.disconnect() },
          { name: 'redis', run: () => store.close(), abandon: () => redis.disconnect(false) },
          { name: 'http server', run: () => http.close() },
          { name: 'tracing (export buffered spans)', run: async () => tracing?.shutdown() },
        ],
        logger,
        () => ({ batchesInHand: lag.inFlight() }),
      );
      logger.info('tidewatch stopped');
    },
  };
}

/**
 * One fetch's batches: profiles first (the routing of this fetch's alerts may depend on them), then outcomes, then
 * product events (each holding its partition's timer lock: the topics are co-partitioned, and it moves timers), then
 * all the transaction batches as one unit while holding their partitions' timer locks; then every offset is
 * resolved and committed in one request.
 */
async function processUnit(deps: PipelineDeps, locks: PartitionLocks, lag: LagMonitor, guard: StateGuard, unit: EachBatchPayload[]): Promise<void> {
  const running = unit.filter((payload) => payload.isRunning() && !payload.isStale());
  // in hand from here on (the epoch check below is already a Redis call that may hang)
  for (const { batch } of running) lag.batchStarted(batch.topic, batch.partition, Number(batch.messages[0]?.timestamp ?? Date.now()));
  // a partition whose state Redis lost is not processed (nor committed): paused until a rebuild and a restart
  const lost = running.length === 0 ? new Set<number>() : await guard.lostAmong(new Set(running.map((payload) => payload.batch.partition)));
  for (const payload of running) {
    if (!lost.has(payload.batch.partition)) continue;
    payload.pause();
    lag.batchFinished(payload.batch.topic, payload.batch.partition, Number(payload.batch.messages[0]?.timestamp ?? Date.now()));
  }
  const live = running.filter((payload) => !lost.has(payload.batch.partition));
  const first = live[0];
  if (first === undefined) return;
  const started = process.hrtime.bigint();
  // one span tree per fetched unit: consume → process <role> (→ produce, in the pipeline) → commit
  await inSpan('tidewatch consume', spanKinds.consumer, { ...batchAttributes(live.map((payload) => payload.batch)), 'messaging.operation.type': 'process' }, async () => {
    const ofTopic = (topic: string) => live.filter((candidate) => candidate.batch.topic === topic).map((payload) => payload.batch);
    const processing = (role: string, batches: readonly Batch[], work: () => Promise<void>) =>
      batches.length === 0 ? Promise.resolve() : inSpan(`tidewatch process ${role}`, spanKinds.internal, batchAttributes(batches), work);
    // each under its partition's lock, as products and transactions: a timer sweep never works on the same customers
    await processing('profiles', ofTopic(deps.topics.profiles), async () => {
      for (const batch of ofTopic(deps.topics.profiles)) await locks.run(batch.partition, () => handleProfileBatch(deps, batch));
    });
    await processing('outcomes', ofTopic(deps.topics.outcomes), async () => {
      for (const batch of ofTopic(deps.topics.outcomes)) await locks.run(batch.partition, () => handleOutcomeBatch(deps, batch));
    });
    await processing('products', ofTopic(deps.topics.products), async () => {
      for (const batch of ofTopic(deps.topics.products)) await locks.run(batch.partition, () => handleProductBatch(deps, batch));
    });
    const transactionBatches = ofTopic(deps.topics.transactions);
    await processing('transactions', transactionBatches, () =>
      locks.runAll(
        transactionBatches.map((batch) => batch.partition),
        () => handleTransactionBatches(deps, transactionBatches),
      ),
    );
    for (const payload of live) payload.resolveOffset(payload.batch.lastOffset());
    // one OffsetCommit for the unit's partitions. Without offsets, commitOffsetsIfNecessary commits nothing (no
    // autocommit interval or threshold is set): the offsets went when kafkajs, after each partition's eachBatch,
    // committed what was resolved, and the unit's batches all return at once, so each of them sent the same request
    await inSpan('tidewatch commit', spanKinds.internal, { 'tidewatch.partitions': live.length }, () => first.commitOffsetsIfNecessary(offsetsAfter(live)));
  });
  for (const { batch } of live) lag.batchFinished(batch.topic, batch.partition, Number(batch.messages.at(-1)?.timestamp ?? Date.now()));
  await first.heartbeat();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const payload of live) {
    deps.metrics.batches.inc({ topic: payload.batch.topic });
    deps.metrics.batchDuration.observe({ topic: payload.batch.topic }, seconds);
  }
}

/** The offsets to commit once these batches are done: the next record of each batch's partition. */
function offsetsAfter(payloads: readonly EachBatchPayload[]): OffsetsByTopicPartition {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const { batch } of payloads) {
    const partitions = byTopic.get(batch.topic) ?? [];
    // as kafkajs resolves an offset (its decimal string plus one), so that its own commit after the batch finds it done
    partitions.push({ partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() });
    byTopic.set(batch.topic, partitions);
  }
  return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
}

/** Span attributes of some batches: counts, topics and partitions, nothing from the records themselves. */
function batchAttributes(batches: readonly Batch[]): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.batch.message_count': batches.reduce((total, batch) => total + batch.messages.length, 0),
    'messaging.destination.name': [...new Set(batches.map((batch) => batch.topic))].sort(),
    'tidewatch.partitions': batches.length,
  };
}

/**
 * kafkajs hands over no empty batches, so a quiet partition says nothing about being caught up: ask the broker
 * once whether the group's committed offset is at the partition's end.
 */
async function learnIdlePartitions(admin: Admin, groupId: string, topic: string, owned: ReadonlySet<number>, clocks: PartitionClocks): Promise<void> {
  const unknown = [...owned].filter((partition) => !clocks.isKnown(partition));
  if (unknown.length === 0) return;
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  for (const partition of unknown) {
    const end = ends.find((entry) => entry.partition === partition)?.high;
    const at = committed?.partitions.find((entry) => entry.partition === partition)?.offset;
    if (end === undefined || at === undefined) continue;
    // '-1' means nothing committed: caught up only if the partition is empty
    const position = at === '-1' ? 0n : BigInt(at);
    clocks.observeIdle(partition, position >= BigInt(end));
  }
}
