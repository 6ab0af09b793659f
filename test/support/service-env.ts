import type { IntegrationContext } from './integration.ts';

/** The topics of one service under test, named inside the suite's namespace. */
export function serviceTopics(context: IntegrationContext) {
  return {
    transactions: context.topic('transactions'),
    profiles: context.topic('profiles'),
    outcomes: context.topic('outcomes'),
    products: context.topic('products'),
    rmAlerts: context.topic('rm-alerts'),
    risk: context.topic('risk'),
    campaign: context.topic('campaign'),
    deadLetter: context.topic('dead-letter'),
    rmRoutine: context.topic('rm-routine'),
    rmDigests: context.topic('rm-digests'),
    audit: context.topic('audit'),
  };
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
    TIDEWATCH_TOPIC_TRANSACTIONS: topics.transactions,
    TIDEWATCH_TOPIC_PROFILES: topics.profiles,
    TIDEWATCH_TOPIC_OUTCOMES: topics.outcomes,
    TIDEWATCH_TOPIC_PRODUCTS: topics.products,
    TIDEWATCH_TOPIC_RM_ALERTS: topics.rmAlerts,
    TIDEWATCH_TOPIC_RISK: topics.risk,
    TIDEWATCH_TOPIC_CAMPAIGN: topics.campaign,
    TIDEWATCH_TOPIC_DEAD_LETTER: topics.deadLetter,
    TIDEWATCH_TOPIC_RM_ROUTINE: topics.rmRoutine,
    TIDEWATCH_TOPIC_RM_DIGESTS: topics.rmDigests,
    TIDEWATCH_TOPIC_AUDIT: topics.audit,
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
