import kafkajs from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';

const { Kafka: KafkaClient, logLevel } = kafkajs;

export const PARTITIONS = 6;

export type Offsets = ReadonlyMap<number, bigint>;

export function kafkaFor(brokers: string[], clientId: string): Kafka {
  return new KafkaClient({ brokers, clientId, logLevel: logLevel.WARN });
}

export async function createTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS })), waitForLeaders: true });
}

/** The topic's partitions' high watermarks: where a reader that has read everything stands. */
export async function topicEnds(admin: Admin, topic: string): Promise<Offsets> {
  const ends = await admin.fetchTopicOffsets(topic);
  return new Map(ends.map((end) => [end.partition, BigInt(end.high)]));
}

/** The group's committed offsets on the topic (0 where nothing is committed yet). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Offsets> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((committed?.partitions ?? []).map((entry) => [entry.partition, entry.offset === '-1' ? 0n : BigInt(entry.offset)]));
}

export const totalOf = (offsets: Offsets): number => Number([...offsets.values()].reduce((sum, offset) => sum + offset, 0n));

export const reached = (committed: Offsets, ends: Offsets): boolean => [...ends].every(([partition, end]) => (committed.get(partition) ?? 0n) >= end);

/** Whether the group has committed every partition of the topic up to `ends`. */
export async function committedUpTo(admin: Admin, groupId: string, topic: string, ends: Offsets): Promise<boolean> {
  return reached(await committedOffsets(admin, groupId, topic), ends);
}
