import kafkajs from 'kafkajs';
import type { Assignment, PartitionAssigner } from 'kafkajs';

const { MemberAssignment, MemberMetadata } = kafkajs.AssignerProtocol;

export const CO_PARTITIONED_ASSIGNER = 'TidewatchCoPartitioned';

/**
 * Gives partition n of every subscribed topic to the same member, as Kafka Streams does for co-partitioned topics.
 * The input topics are all keyed by customer id with the same partition count, so a customer's transactions, profile,
 * outcomes and product events are then handled by one instance, whose partition lock keeps them and the customer's
 * timer sweep from interleaving (kafkajs' round-robin assigner deals the partitions of all topics out in one run, so
 * partition n of two topics usually lands on two instances, and a product event's timer could be overwritten by a
 * sweep elsewhere). Partition numbers go round the members sorted by id, so the load stays even.
 */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: CO_PARTITIONED_ASSIGNER,
  version: 0,
  async assign({ members, topics }) {
    const memberIds = members.map(({ memberId }) => memberId).sort();
    const assignments = new Map<string, Assignment>(memberIds.map((memberId) => [memberId, {}]));
    for (const topic of topics) {
      for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
        const assignment = assignments.get(memberIds[partitionId % memberIds.length]!)!;
        (assignment[topic] ??= []).push(partitionId);
      }
    }
    return [...assignments].map(([memberId, assignment]) => ({
      memberId,
      memberAssignment: MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: CO_PARTITIONED_ASSIGNER, metadata: MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});
