import type { Producer, TopicMessages } from 'kafkajs';
import type { RmDigest } from '../../domain/digest.ts';
import type { DeadLetter } from '../../pipeline/dead-letter.ts';
import type { AvroEncoder } from '../registry/avro-encoder.ts';
import type { TopicsByRole } from '../registry/schemas.ts';

export type DigestOutputRole = 'rmDigests' | 'deadLetter';

export const DIGEST_ID_HEADER = 'tidewatch.digest-id';

/**
 * The digest stage's records, in one request with acks from all in-sync replicas: digests keyed by RM queue (one
 * RM's digests stay ordered), dead letters keyed like the original record. Resolves only once Kafka has them.
 */
export async function publishDigestOutputs(
  producer: Producer,
  encoder: AvroEncoder<DigestOutputRole>,
  topics: TopicsByRole<DigestOutputRole>,
  digests: readonly RmDigest[],
  deadLetters: readonly DeadLetter[] = [],
): Promise<void> {
  const topicMessages: TopicMessages[] = [];
  if (digests.length > 0) {
    const messages = await Promise.all(
      digests.map(async (digest) => ({ key: digest.queue, value: await encoder.encode('rmDigests', digest), headers: { [DIGEST_ID_HEADER]: digest.digestId } })),
    );
    topicMessages.push({ topic: topics.rmDigests, messages });
  }
  if (deadLetters.length > 0) {
    const messages = await Promise.all(
      deadLetters.map(async (deadLetter) => ({ key: deadLetter.key, value: await encoder.encode('deadLetter', deadLetter.record), headers: deadLetter.headers })),
    );
    topicMessages.push({ topic: topics.deadLetter, messages });
  }
  if (topicMessages.length > 0) await producer.sendBatch({ topicMessages, acks: -1 });
}
