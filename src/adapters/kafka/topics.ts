import type { Admin, ITopicConfig } from 'kafkajs';
import type { TopicsByRole } from '../registry/schemas.ts';

/**
 * The topics tidewatch needs, for when it creates them itself (TIDEWATCH_CREATE_TOPICS). Profiles are compacted:
 * the latest record per customer is the reference data, a tombstone erases the customer. The input topics share a
 * partition count so that all are keyed alike by customer id; for product events that is a requirement (see
 * assertCoPartitioned).
 */
export function topicConfigs(topics: TopicsByRole, partitions: number): ITopicConfig[] {
  return [
    { topic: topics.transactions, numPartitions: partitions },
    { topic: topics.profiles, numPartitions: partitions, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    { topic: topics.outcomes, numPartitions: partitions },
    { topic: topics.products, numPartitions: partitions },
    { topic: topics.rmAlerts, numPartitions: partitions },
    { topic: topics.risk, numPartitions: partitions },
    { topic: topics.campaign, numPartitions: partitions },
    { topic: topics.deadLetter, numPartitions: partitions },
    // created even while the digest is off: a rules reload may switch it on without a restart
    { topic: topics.rmRoutine, numPartitions: partitions },
    { topic: topics.rmDigests, numPartitions: partitions },
    // one partition: the audit trail reads in the order the changes were loaded
    { topic: topics.audit, numPartitions: 1 },
  ];
}

/** Creates the missing ones; answers their names. */
export async function createMissingTopics(admin: Admin, configs: readonly ITopicConfig[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = configs.filter((config) => !existing.has(config.topic));
  if (missing.length > 0) await admin.createTopics({ topics: [...missing], waitForLeaders: true });
  return missing.map((config) => config.topic);
}

/**
 * Product events must be co-partitioned with transactions (same partition count, both keyed by customer id with the
 * default partitioner): a customer's maturity timer lives in the timer set of its transactions partition, and a
 * customer first seen through a product event gets its state on the product event's partition number. Refuses to
 * start otherwise, naming both topics, rather than file timers where no owner sweeps them.
 */
export async function assertCoPartitioned(admin: Admin, transactions: string, products: string): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [transactions, products] }).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read the partitions of ${transactions} and ${products} (${reason}); with TIDEWATCH_CREATE_TOPICS=false both must exist`, { cause: error });
  });
  const countOf = (topic: string) => topics.find((metadata) => metadata.name === topic)?.partitions.length ?? 0;
  const [ofTransactions, ofProducts] = [countOf(transactions), countOf(products)];
  if (ofTransactions !== ofProducts) {
    throw new Error(
      `${products} has ${ofProducts} partitions and ${transactions} has ${ofTransactions}: product events must be co-partitioned with transactions (same partition count, keyed by customer id)`,
    );
  }
}
