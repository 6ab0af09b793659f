import type { Admin, ITopicConfig } from 'kafkajs';
import type { TopicsByRole } from '../registry/schemas.ts';

/**
 * The topics tidewatch needs, for when it creates them itself (TIDEWATCH_CREATE_TOPICS). Profiles are compacted:
 * the latest record per customer is the reference data, a tombstone erases the customer. The input topics share a
 * partition count so that both are keyed alike by customer id.
 */
export function topicConfigs(topics: TopicsByRole, partitions: number): ITopicConfig[] {
  return [
    { topic: topics.transactions, numPartitions: partitions },
    { topic: topics.profiles, numPartitions: partitions, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    { topic: topics.outcomes, numPartitions: partitions },
    { topic: topics.rmAlerts, numPartitions: partitions },
    { topic: topics.risk, numPartitions: partitions },
    { topic: topics.campaign, numPartitions: partitions },
    { topic: topics.deadLetter, numPartitions: partitions },
  ];
}

/** Creates the missing ones; answers their names. */
export async function createMissingTopics(admin: Admin, configs: readonly ITopicConfig[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = configs.filter((config) => !existing.has(config.topic));
  if (missing.length > 0) await admin.createTopics({ topics: [...missing], waitForLeaders: true });
  return missing.map((config) => config.topic);
}
