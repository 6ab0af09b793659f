import kafkajs from 'kafkajs';
import type { Cluster, Logger } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { CO_PARTITIONED_ASSIGNER, coPartitionedAssigner } from '../../src/adapters/kafka/co-partitioned-assigner.ts';

const { MemberAssignment, MemberMetadata } = kafkajs.AssignerProtocol;

/** Only what the assigner asks of the cluster: each topic's partitions. */
function clusterWith(partitions: Record<string, number>): Cluster {
  const metadata = (topic: string) => Array.from({ length: partitions[topic] ?? 0 }, (_, partitionId) => ({ partitionId }));
  return { findTopicPartitionMetadata: metadata } as unknown as Cluster;
}

async function assignmentOf(partitions: Record<string, number>, memberIds: string[]) {
  const assigner = coPartitionedAssigner({ cluster: clusterWith(partitions), groupId: 'g', logger: {} as Logger });
  const members = memberIds.map((memberId) => ({ memberId, memberMetadata: Buffer.alloc(0) }));
  const result = await assigner.assign({ members, topics: Object.keys(partitions) });
  return Object.fromEntries(result.map(({ memberId, memberAssignment }) => [memberId, MemberAssignment.decode(memberAssignment)?.assignment]));
}

describe('the co-partitioned assigner', () => {
  it('gives partition n of every input topic to the same instance, spreading the numbers evenly', async () => {
    const topics = { transactions: 6, profiles: 6, outcomes: 6, products: 6 };
    expect(await assignmentOf(topics, ['member-b', 'member-a'])).toEqual({
      'member-a': { transactions: [0, 2, 4], profiles: [0, 2, 4], outcomes: [0, 2, 4], products: [0, 2, 4] },
      'member-b': { transactions: [1, 3, 5], profiles: [1, 3, 5], outcomes: [1, 3, 5], products: [1, 3, 5] },
    });
  });

  it('hands every partition to someone, also with more instances than partitions', async () => {
    const assigned = await assignmentOf({ transactions: 2, products: 2 }, ['m-1', 'm-2', 'm-3']);
    expect(assigned).toEqual({ 'm-1': { transactions: [0], products: [0] }, 'm-2': { transactions: [1], products: [1] }, 'm-3': {} });
  });

  it('announces itself under its own protocol name, with the subscribed topics', () => {
    const assigner = coPartitionedAssigner({ cluster: clusterWith({}), groupId: 'g', logger: {} as Logger });
    const { name, metadata } = assigner.protocol({ topics: ['transactions', 'products'] });
    expect(name).toBe(CO_PARTITIONED_ASSIGNER);
    expect(MemberMetadata.decode(metadata)?.topics).toEqual(['transactions', 'products']);
  });
});
