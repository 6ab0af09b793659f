import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { Alert } from '../../domain/alert.ts';
import { opportunityOf } from '../../core/policy.ts';
import type { Emission } from '../../core/state.ts';
import type { DeadLetter } from '../../pipeline/dead-letter.ts';
import { DEAD_LETTER_MAX_BYTES, sizeOf } from '../../pipeline/dead-letter.ts';
import type { AvroEncoder } from '../registry/avro-encoder.ts';
import type { TopicsByRole } from '../registry/schemas.ts';

export type OutputRole = 'rmAlerts' | 'rmRoutine' | 'risk' | 'campaign' | 'deadLetter';

/** The feed a record went out on, for metrics: `rm_routine` is an RM alert held for the RM's digest. */
export type PublishedFeed = 'rm' | 'rm_routine' | 'risk' | 'campaign';

export const ALERT_ID_HEADER = 'tidewatch.alert-id';

export interface Published {
  /** Per feed record: the alert, for metrics. */
  alerts: Array<{ feed: PublishedFeed; alert: Alert }>;
  deadLetters: number;
}

/**
 * Everything one batch publishes, in one request per broker with acks from all in-sync replicas: RM alerts keyed by
 * the RM queue (one RM's alerts stay ordered; those the core marked routine go to the routine topic, also by queue,
 * for the digest stage), risk and campaign records keyed by customer, dead letters keyed like the original record.
 * Resolves only once Kafka has them; the caller commits offsets after that.
 */
export async function publish(
  producer: Producer,
  encoder: AvroEncoder<OutputRole>,
  topics: TopicsByRole<OutputRole>,
  emissions: readonly Emission[],
  deadLetters: readonly DeadLetter[],
): Promise<Published> {
  const byRole: Record<OutputRole, Message[]> = { rmAlerts: [], rmRoutine: [], risk: [], campaign: [], deadLetter: [] };
  const published: Published = { alerts: [], deadLetters: deadLetters.length };
  for (const { alert, feeds, routine } of emissions) {
    const headers = { [ALERT_ID_HEADER]: alert.alertId };
    for (const feed of feeds) {
      if (feed === 'rm' && routine === true) {
        published.alerts.push({ feed: 'rm_routine', alert });
        byRole.rmRoutine.push({ key: alert.queue, value: await encoder.encode('rmRoutine', alert), headers });
        continue;
      }
      published.alerts.push({ feed, alert });
      if (feed === 'rm') byRole.rmAlerts.push({ key: alert.queue, value: await encoder.encode('rmAlerts', alert), headers });
      else if (feed === 'risk') byRole.risk.push({ key: alert.customerId, value: await encoder.encode('risk', alert), headers });
      else byRole.campaign.push({ key: alert.customerId, value: await encoder.encode('campaign', opportunityOf(alert)), headers });
    }
  }
  for (const deadLetter of deadLetters) {
    byRole.deadLetter.push({ key: deadLetter.key, value: await encoder.encode('deadLetter', deadLetter.record), headers: deadLetter.headers });
  }
  // Kafka refuses a record batch above the topic's max.message.bytes: large dead letters go in requests of their own
  const [firstDeadLetters = [], ...laterDeadLetters] = chunksOf(byRole.deadLetter, DEAD_LETTER_MAX_BYTES);
  byRole.deadLetter = firstDeadLetters;
  const topicMessages: TopicMessages[] = (Object.keys(byRole) as OutputRole[])
    .filter((role) => byRole[role].length > 0)
    .map((role) => ({ topic: topics[role], messages: byRole[role] }));
  if (topicMessages.length > 0) await producer.sendBatch({ topicMessages, acks: -1 });
  for (const messages of laterDeadLetters) await producer.sendBatch({ topicMessages: [{ topic: topics.deadLetter, messages }], acks: -1 });
  return published;
}

/** Consecutive runs of messages whose sizes add up to at most `maxBytes` (a larger message alone in its run). */
function chunksOf(messages: readonly Message[], maxBytes: number): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = sizeOf(message);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
