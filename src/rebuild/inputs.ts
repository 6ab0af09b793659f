import type { KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import type { DecodeResult } from '../adapters/registry/avro-decoder.ts';
import type { InputRules } from '../core/rules.ts';
import { outcomeSchema } from '../domain/outcome.ts';
import { productEventSchema } from '../domain/product-event.ts';
import { customerProfileSchema } from '../domain/profile.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import { transactionSchema } from '../domain/transaction.ts';
import { admit, eventTimeProblem, transactionProblem } from '../pipeline/ingest.ts';
import type { Admission } from '../pipeline/ingest.ts';
import type { OutcomeItem } from '../replay/outcomes.ts';
import type { ProductItem, ProfileItem, ReplayItem } from '../replay/records.ts';

/** The service's decoder (src/adapters/registry/avro-decoder.ts), as the rebuild needs it. */
export interface RecordDecoder {
  decode(bytes: Buffer | null): Promise<DecodeResult>;
}

/**
 * Records read back from their partition decode and validate as the service's pipeline did (the same decoder, zod
 * schemas and plausibility rules), judged against the record's broker timestamp, the earliest the service can have
 * processed it. What the service dead-lettered then is skipped now: its dead letter is already published.
 */
async function admitted<T>(decoder: RecordDecoder, message: KafkaMessage, schema: z.ZodType<T>): Promise<Admission<T>> {
  return admit(await decoder.decode(message.value), schema);
}

const originOf = (topic: string, message: KafkaMessage) => ({ source: topic, line: Number(message.offset) });

/** Transactions of one fetch as the replay engine's items, each with its Kafka offset. */
export async function transactionItems(decoder: RecordDecoder, topic: string, messages: readonly KafkaMessage[], bounds: InputRules): Promise<ReplayItem[]> {
  return Promise.all(
    messages.map(async (message): Promise<ReplayItem> => {
      const offset = Number(message.offset);
      const read = await admitted(decoder, message, transactionSchema);
      if (!read.admitted) return { kind: 'rejected', reason: read.reason, detail: read.detail, origin: originOf(topic, message), offset };
      const problem = transactionProblem(read.value, Number(message.timestamp), bounds);
      if (problem !== undefined) return { kind: 'rejected', reason: 'invalid', detail: problem, origin: originOf(topic, message), offset };
      return { kind: 'transaction', transaction: read.value, line: offset, offset };
    }),
  );
}

/** Product events in event-time order (the replay applies them as stream time reaches them), with their offsets. */
export async function productItems(decoder: RecordDecoder, topic: string, messages: readonly KafkaMessage[], bounds: InputRules): Promise<ProductItem[]> {
  const items: Array<ProductItem & { kind: 'product' }> = [];
  for (const message of messages) {
    const read = await admitted(decoder, message, productEventSchema);
    if (!read.admitted) continue;
    const event = read.value;
    if (message.key?.toString('utf8') !== event.customerId) continue;
    if (eventTimeProblem(event.eventTime, Number(message.timestamp), bounds) !== undefined) continue;
    items.push({ kind: 'product', event, origin: originOf(topic, message), offset: Number(message.offset) });
  }
  return items.sort((left, right) => left.event.eventTime - right.event.eventTime);
}

/** RM outcomes in `recordedAt` order. */
export async function outcomeItems(decoder: RecordDecoder, messages: readonly KafkaMessage[]): Promise<OutcomeItem[]> {
  const items: Array<OutcomeItem & { kind: 'outcome' }> = [];
  for (const message of messages) {
    const read = await admitted(decoder, message, outcomeSchema);
    if (read.admitted) items.push({ kind: 'outcome', outcome: read.value });
  }
  return items.sort((left, right) => left.outcome.recordedAt - right.outcome.recordedAt);
}

export interface ProfileHistory {
  /** Each customer's first profile read: the reference data its first transactions were judged with. */
  initial: ProfileItem[];
  /** Later versions in `updatedAt` order: RM changes and departures, applied as stream time reaches them. */
  updates: ProfileItem[];
  /** Customers whose latest record is a tombstone (erased): nothing of them is kept. */
  erased: string[];
}

/** The compacted profiles topic, read in offset order, split into what the replay engine takes. */
export async function profileHistory(decoder: RecordDecoder, messages: readonly KafkaMessage[]): Promise<ProfileHistory> {
  const first = new Map<string, CustomerProfile>();
  const updates: Array<ProfileItem & { kind: 'profile' }> = [];
  const latestIsTombstone = new Map<string, boolean>();
  for (const message of messages) {
    if (message.value === null) {
      const customerId = message.key?.toString('utf8');
      if (customerId !== undefined && customerId.length > 0) latestIsTombstone.set(customerId, true);
      continue;
    }
    const read = await admitted(decoder, message, customerProfileSchema);
    if (!read.admitted) continue;
    const profile = read.value;
    latestIsTombstone.set(profile.customerId, false);
    if (first.has(profile.customerId)) updates.push({ kind: 'profile', profile });
    else first.set(profile.customerId, profile);
  }
  return {
    initial: [...first.values()].map((profile) => ({ kind: 'profile', profile })),
    updates: updates.sort((left, right) => left.profile.updatedAt - right.profile.updatedAt),
    erased: [...latestIsTombstone].filter(([, erased]) => erased).map(([customerId]) => customerId),
  };
}
