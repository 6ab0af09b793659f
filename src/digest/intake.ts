import type { Batch } from 'kafkajs';
import { publishDigestOutputs } from '../adapters/kafka/digest-publisher.ts';
import type { PendingRecord } from '../adapters/redis/digest-store.ts';
import { alertSchema } from '../domain/alert.ts';
import { deadLetterOf } from '../pipeline/dead-letter.ts';
import type { DeadLetter } from '../pipeline/dead-letter.ts';
import { admit } from '../pipeline/ingest.ts';
import { counted, digestScopeOf } from './deps.ts';
import type { DigestDeps } from './deps.ts';

/**
 * One batch of the routine topic: decode and validate each alert (a bad record is dead-lettered, never dropped),
 * store the alerts as pending for their queue's next digest together with the batch's last offset (one script:
 * a re-read batch, a duplicate or an alert already digested changes nothing), publish the dead letters, and only
 * then let the caller commit the offsets.
 */
export async function handleRoutineBatch(deps: DigestDeps, batch: Batch): Promise<void> {
  if (batch.messages.length === 0) return;
  const now = deps.clock();
  const records: PendingRecord[] = [];
  const deadLetters: DeadLetter[] = [];
  const decoded = await Promise.all(batch.messages.map(async (message) => ({ message, result: await deps.decoder.decode(message.value) })));
  for (const { message, result } of decoded) {
    const admission = admit(result, alertSchema);
    if (admission.admitted) {
      records.push({ offset: Number(message.offset), alert: admission.value });
      continue;
    }
    const source = { topic: batch.topic, partition: batch.partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers };
    deadLetters.push(deadLetterOf(source, admission.reason, admission.detail, now));
  }
  const scope = digestScopeOf(batch.topic, batch.partition);
  const result = await counted(() => deps.store.addPending(scope, Number(batch.lastOffset()), records), deps.metrics.redisErrors);
  if (deadLetters.length > 0) {
    await counted(() => publishDigestOutputs(deps.producer, deps.encoder, deps.topics, [], deadLetters), deps.metrics.producerErrors);
  }
  const { alertsReceived } = deps.metrics;
  alertsReceived.inc({ outcome: 'stored' }, result.stored);
  alertsReceived.inc({ outcome: 'duplicate' }, result.duplicate);
  alertsReceived.inc({ outcome: 'already_digested' }, result.alreadyDigested);
  alertsReceived.inc({ outcome: 'already_applied' }, result.alreadyApplied);
  alertsReceived.inc({ outcome: 'dead_lettered' }, deadLetters.length);
  for (const deadLetter of deadLetters) deps.metrics.deadLetters.inc({ reason: deadLetter.record.reason });
}
