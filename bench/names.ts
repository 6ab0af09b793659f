import { randomBytes } from 'node:crypto';
import type { StackEndpoints } from '../scripts/stack/stack.ts';
import { parseEnv } from '../src/config/env.ts';
import type { ServiceEnv } from '../src/config/env.ts';
import { topicsUnder, topicVariables } from '../src/adapters/registry/schemas.ts';
import type { TopicsByRole } from '../src/adapters/registry/schemas.ts';

/** Everything one bench run creates, under names of its own, so that it can remove exactly that afterwards. */
export interface BenchNames {
  runId: string;
  topics: TopicsByRole;
  groups: { service: string; alertReader: string };
  /** One fresh group per raw consume (client × round), see `rawConsumeGroup`. */
  rawConsumeGroups: string[];
  redisPrefix: string;
}

/** The group of one raw consume: every client and round reads the topic from a group never used before. */
export const rawConsumeGroup = (runId: string, client: string, round: number): string => `tw-bench-${runId}.raw-${client}-${round}`;

export function benchNames(rawRounds = 1): BenchNames {
  const runId = randomBytes(4).toString('hex');
  const rounds = Array.from({ length: rawRounds }, (_, index) => index + 1);
  return {
    runId,
    topics: topicsUnder(`tw-bench-${runId}`),
    groups: { service: `tw-bench-${runId}.service`, alertReader: `tw-bench-${runId}.alert-reader` },
    rawConsumeGroups: ['kafkajs', 'alternative'].flatMap((client) => rounds.map((round) => rawConsumeGroup(runId, client, round))),
    redisPrefix: `tw-bench:${runId}:`,
  };
}

/**
 * The service's configuration for the bench, as the environment variables `tidewatch run` reads: its own topics,
 * group and key prefix; timers out of the way.
 */
/** The topics the measured service is pointed at (routine alerts, digests and audit keep their defaults). */
function measuredTopics({ rmRoutine: _rmRoutine, rmDigests: _rmDigests, audit: _audit, ...measured }: TopicsByRole): Partial<TopicsByRole> {
  return measured;
}

export function serviceVariables(endpoints: StackEndpoints, names: BenchNames): Record<string, string> {
  return {
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    REDIS_URL: endpoints.redisUrl,
    TIDEWATCH_CLIENT_ID: `tw-bench-${names.runId}`,
    TIDEWATCH_GROUP_ID: names.groups.service,
    ...topicVariables(measuredTopics(names.topics)),
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
