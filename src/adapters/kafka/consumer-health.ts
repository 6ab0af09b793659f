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
 * Follows a consumer's group membership: on each join, the partitions of `topic` it now owns are handed to
 * `onAssigned` and counted; a crash is counted and logged, and one kafkajs will not restart ends liveness (the
 * orchestrator restarts the process). Both `tidewatch run` and `tidewatch digest` are built this way.
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
  const contact = () => {
    lastContactAt = clock();
  };
  consumer.on(consumer.events.FETCH_START, contact);
  consumer.on(consumer.events.FETCH, contact);
  consumer.on(consumer.events.HEARTBEAT, contact);
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joinedGroup = true;
    const owned = new Set(payload.memberAssignment[topic] ?? []);
    options.onAssigned(owned);
    metrics.ownedPartitions.set(owned.size);
    logger.info({ topic, partitions: [...owned].sort((a, b) => a - b) }, 'partitions assigned');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    metrics.consumerCrashes.inc();
    joinedGroup = false;
    if (!payload.restart) fatal = true;
    logger.error({ err: payload.error.message, restart: payload.restart }, 'consumer crashed');
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
