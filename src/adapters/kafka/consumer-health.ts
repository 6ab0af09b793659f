import type { Consumer } from 'kafkajs';
import type { Counter, Gauge } from 'prom-client';
import type { HealthChecks } from '../http/server.ts';
import type { Logger } from '../../observability/logger.ts';
import { redisAnswers } from '../redis/client.ts';
import type { RedisClient } from '../redis/client.ts';

export interface ConsumerWatch {
  /** Liveness and readiness of a process built around one consumer group and Redis, for the HTTP adapter. */
  readonly health: HealthChecks;
  /** From here on the process is shutting down: no longer ready. */
  stopping(): void;
  /** Wraps one unit of work: its failure (a registry or Redis that does not answer) or a unit stuck in hand ends readiness. */
  track<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Readiness tells the truth within seconds (issue 11): no fetch or heartbeat for this long while no unit is in hand
 * means the consumer has lost its broker (kafkajs fetches at least every maxWaitTimeInMs, 500 ms).
 */
export const BROKER_SILENCE_MS = 5_000;
/** A unit in hand for this long makes no progress (a broker or registry that stopped answering mid-unit). */
export const UNIT_STUCK_MS = 20_000;
/**
 * Restarts of our own (below) in a row without the consumer joining its group in between: past this many, the crash
 * ends liveness as any other one kafkajs will not restart.
 */
export const MAX_RESTARTS_WITHOUT_JOIN = 10;
/** The wait before a restart of our own: 1 s, doubling with each one in a row, at most 30 s. */
export const restartDelayMs = (attempt: number): number => Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1));

/** kafkajs errors that say a broker was unreachable, restarting, or not yet the group's coordinator. */
const BROKER_CONDITIONS = new Set([
  // the coordinator lookup swallows its own cause: the connection to the one broker it asked was lost mid-lookup,
  // or that broker kept answering "coordinator not available" (a broker going down or coming back)
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
]);
/** Protocol errors of a group whose coordinator moved, restarted or rebalances (kafkajs marks some non-retriable). */
const GROUP_CONDITIONS = new Set([
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

/**
 * Whether a consumer crash kafkajs will not restart came from a broker going away or coming back (its error or any
 * cause under it), rather than from configuration, authorization or a fault of ours. kafkajs restarts a crashed
 * consumer only when the error is marked retriable, and some of a broker restart's are not: a coordinator lookup
 * that lost its connection mid-request ends in KafkaJSGroupCoordinatorNotFound, non-retriable, and a consumer that
 * was rejoining its group at that moment stayed stopped for good.
 */
export function isBrokerCondition(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = (current as { cause?: unknown }).cause, depth++) {
    if (BROKER_CONDITIONS.has(current.name)) return true;
    const { type, retriable } = current as { type?: unknown; retriable?: unknown };
    if (current.name === 'KafkaJSProtocolError' && (retriable === true || (typeof type === 'string' && GROUP_CONDITIONS.has(type)))) return true;
  }
  return false;
}

/**
 * Follows a consumer's group membership: on each join, the partitions of `topic` it now owns are handed to
 * `onAssigned` and counted; a crash is counted and logged. A crash kafkajs will not restart is restarted here with
 * `restart` (the consumer's run again) when a broker going away or coming back caused it (isBrokerCondition), after
 * restartDelayMs, up to MAX_RESTARTS_WITHOUT_JOIN in a row without a join; any other one, one past that, or one
 * without `restart`, ends liveness (the orchestrator restarts the process). Both `tidewatch run` and `tidewatch
 * digest` are built this way.
 */
export function watchConsumer(
  consumer: Consumer,
  options: {
    topic: string;
    redis: RedisClient;
    logger: Logger;
    metrics: { consumerCrashes: Counter; ownedPartitions: Gauge };
    onAssigned(partitions: ReadonlySet<number>): void;
    /** More readiness checks (e.g. Redis keeps its data: service/state-guard.ts). */
    checks?: () => Record<string, boolean>;
    /** Wall clock (UTC millis), injectable for tests. */
    clock?: () => number;
    /**
     * Runs the consumer again (consumer.run with the options it first ran with) after a crash kafkajs will not
     * restart. kafkajs has disconnected the consumer before it tells of the crash, and run() starts it anew.
     */
    restart?: () => Promise<void>;
    /** Waits before a restart of our own (setTimeout), injectable for tests. */
    schedule?: (run: () => void, ms: number) => void;
  },
): ConsumerWatch {
  const { topic, redis, logger, metrics } = options;
  const clock = options.clock ?? Date.now;
  let joinedGroup = false;
  let fatal = false;
  let stopping = false;
  let lastContactAt = clock();
  let unitSince: number | undefined;
  let lastUnitFailed = false;
  let restartsWithoutJoin = 0;
  const schedule =
    options.schedule ??
    ((run: () => void, ms: number) => {
      setTimeout(run, ms);
    });
  const contact = () => {
    lastContactAt = clock();
  };
  consumer.on(consumer.events.FETCH_START, contact);
  consumer.on(consumer.events.FETCH, contact);
  consumer.on(consumer.events.HEARTBEAT, contact);
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joinedGroup = true;
    restartsWithoutJoin = 0;
    const owned = new Set(payload.memberAssignment[topic] ?? []);
    options.onAssigned(owned);
    metrics.ownedPartitions.set(owned.size);
    logger.info({ topic, partitions: [...owned].sort((a, b) => a - b) }, 'partitions assigned');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    metrics.consumerCrashes.inc();
    joinedGroup = false;
    const error = { err: payload.error.message, errorName: payload.error.name };
    if (payload.restart) {
      logger.error({ ...error, restart: true }, 'consumer crashed');
      return;
    }
    const { restart } = options;
    if (restart === undefined || stopping || fatal || !isBrokerCondition(payload.error) || restartsWithoutJoin >= MAX_RESTARTS_WITHOUT_JOIN) {
      fatal = true;
      logger.error({ ...error, restart: false, restartsWithoutJoin }, 'consumer crashed');
      return;
    }
    restartsWithoutJoin += 1;
    const inMs = restartDelayMs(restartsWithoutJoin);
    logger.error({ ...error, restart: 'tidewatch', attempt: restartsWithoutJoin, inMs }, 'consumer crashed; kafkajs will not restart it, restarting it here');
    schedule(() => {
      if (stopping || fatal) return;
      restart().catch((restartError: unknown) => {
        fatal = true;
        logger.error({ err: restartError instanceof Error ? restartError.message : String(restartError) }, 'consumer could not be restarted');
      });
    }, inMs);
  });
  return {
    health: {
      live: () => !fatal,
      ready: async () => {
        const now = clock();
        const checks = {
          kafkaConsumerJoined: joinedGroup,
          redis: await redisAnswers(redis),
          running: !stopping && !fatal,
          // while a unit is in hand the consumer does not fetch: then the unit's own progress counts
          brokerAnswering: unitSince !== undefined || now - lastContactAt < BROKER_SILENCE_MS,
          progressing: !lastUnitFailed && (unitSince === undefined || now - unitSince < UNIT_STUCK_MS),
          ...options.checks?.(),
        };
        return { ready: Object.values(checks).every(Boolean), checks };
      },
    },
    stopping: () => {
      stopping = true;
    },
    async track(work) {
      unitSince = clock();
      try {
        const result = await work();
        lastUnitFailed = false;
        return result;
      } catch (error) {
        lastUnitFailed = true;
        throw error;
      } finally {
        unitSince = undefined;
        contact();
      }
    },
  };
}
