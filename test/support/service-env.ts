import { topicsUnder, topicVariables } from '../../src/adapters/registry/schemas.ts';
import type { IntegrationContext } from './integration.ts';

/** The topics of one service under test, named inside the suite's namespace. */
export function serviceTopics(context: IntegrationContext) {
  return topicsUnder(context.namespace);
}

export type ServiceTopics = ReturnType<typeof serviceTopics>;

/** Environment for `tidewatch run` against the suite's services, topics, group and Redis prefix. */
export function serviceEnv(context: IntegrationContext, overrides: Record<string, string> = {}): Record<string, string> {
  const topics = serviceTopics(context);
  return {
    KAFKA_BROKERS: context.endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: context.endpoints.schemaRegistryUrl,
    REDIS_URL: context.endpoints.redisUrl,
    TIDEWATCH_GROUP_ID: context.groupId('service'),
    ...topicVariables(topics),
    TIDEWATCH_DIGEST_GROUP_ID: context.groupId('digest'),
    TIDEWATCH_REDIS_PREFIX: context.redisPrefix,
    TIDEWATCH_CREATE_TOPICS: 'false',
    TIDEWATCH_TIMER_INTERVAL_MS: '200',
    ...overrides,
  };
}

/** Creates every topic of the service (so the suite deletes them afterwards). */
export async function createServiceTopics(context: IntegrationContext, partitions: number): Promise<ServiceTopics> {
  const topics = serviceTopics(context);
  await context.createTopics(Object.values(topics).map((topic) => ({ topic, numPartitions: partitions })));
  return topics;
}
