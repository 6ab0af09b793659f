import type { Consumer } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Counter, Gauge } from 'prom-client';
import type { HealthChecks } from '../http/server.ts';
import type { Logger } from '../../observability/logger.ts';
import { redisAnswers } from '../redis/client.ts';

export interface ConsumerWatch {
  /** Liveness and readiness of a process built around one consumer group and Redis, for the HTTP adapter. */
  readonly health: HealthChecks;
  /** From here on the process is shutting down: no longer ready. */
  stopping(): void;
}

/**
 * Follows a consumer's group membership: on each join, the partitions of `topic` it now owns are handed to
 * `onAssigned` and counted; a crash is counted and logged, and one kafkajs will not restart ends liveness (the
 * orchestrator restarts the process). Both `tidewatch run` and `tidewatch digest` are built this way.
 */
export function watchConsumer(
  consumer: Consumer,
  options: {
    topic: string;
    redis: Redis;
    logger: Logger;
    metrics: { consumerCrashes: Counter; ownedPartitions: Gauge };
    onAssigned(partitions: ReadonlySet<number>): void;
    /** More readiness checks (e.g. Redis keeps its data: service/state-guard.ts). */
    checks?: () => Record<string, boolean>;
  },
): ConsumerWatch {
  const { topic, redis, logger, metrics } = options;
  let joinedGroup = false;
  let fatal = false;
  let stopping = false;
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
        const checks = { kafkaConsumerJoined: joinedGroup, redis: await redisAnswers(redis), running: !stopping && !fatal, ...options.checks?.() };
        return { ready: Object.values(checks).every(Boolean), checks };
      },
    },
    stopping: () => {
      stopping = true;
    },
  };
}
