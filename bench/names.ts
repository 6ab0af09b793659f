import { randomBytes } from 'node:crypto';
import type { StackEndpoints } from '../scripts/stack/stack.ts';
import { parseEnv } from '../src/config/env.ts';
import type { ServiceEnv } from '../src/config/env.ts';
import type { TopicsByRole } from '../src/adapters/registry/schemas.ts';

/** Everything one bench run creates, under names of its own, so that it can remove exactly that afterwards. */
export interface BenchNames {
  runId: string;
  topics: TopicsByRole;
  groups: { baseline: string; service: string; alertReader: string };
  redisPrefix: string;
}

export function benchNames(): BenchNames {
  const runId = randomBytes(4).toString('hex');
  const topic = (name: string) => `tw-bench-${runId}.${name}`;
  return {
    runId,
    topics: {
      transactions: topic('transactions'),
      profiles: topic('profiles'),
      outcomes: topic('outcomes'),
      products: topic('products'),
      rmAlerts: topic('rm-alerts'),
      risk: topic('risk'),
      campaign: topic('campaign'),
      deadLetter: topic('dead-letter'),
      rmRoutine: topic('rm-routine'),
      rmDigests: topic('rm-digests'),
      audit: topic('audit'),
    },
    groups: { baseline: `tw-bench-${runId}.baseline`, service: `tw-bench-${runId}.service`, alertReader: `tw-bench-${runId}.alert-reader` },
    redisPrefix: `tw-bench:${runId}:`,
  };
}

/**
 * The service's configuration for the bench, as the environment variables `tidewatch run` reads: its own topics,
 * group and key prefix; timers out of the way.
 */
export function serviceVariables(endpoints: StackEndpoints, names: BenchNames): Record<string, string> {
  return {
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    REDIS_URL: endpoints.redisUrl,
    TIDEWATCH_CLIENT_ID: `tw-bench-${names.runId}`,
    TIDEWATCH_GROUP_ID: names.groups.service,
    TIDEWATCH_TOPIC_TRANSACTIONS: names.topics.transactions,
    TIDEWATCH_TOPIC_PROFILES: names.topics.profiles,
    TIDEWATCH_TOPIC_OUTCOMES: names.topics.outcomes,
    TIDEWATCH_TOPIC_PRODUCTS: names.topics.products,
    TIDEWATCH_TOPIC_RM_ALERTS: names.topics.rmAlerts,
    TIDEWATCH_TOPIC_RISK: names.topics.risk,
    TIDEWATCH_TOPIC_CAMPAIGN: names.topics.campaign,
    TIDEWATCH_TOPIC_DEAD_LETTER: names.topics.deadLetter,
    TIDEWATCH_REDIS_PREFIX: names.redisPrefix,
    TIDEWATCH_CREATE_TOPICS: 'false',
    // dormancy sweeps would compete with the measured work; an hour never comes during a run
    TIDEWATCH_TIMER_INTERVAL_MS: '3600000',
    TIDEWATCH_HTTP_HOST: '127.0.0.1',
    TIDEWATCH_HTTP_PORT: '0',
  };
}

/** The same configuration, parsed as the service parses it (for the in-process service and the batch anatomy). */
export function serviceEnvironment(variables: Record<string, string>): ServiceEnv {
  return parseEnv(variables);
}
