import type { Producer } from 'kafkajs';
import type { DigestOutputRole } from '../adapters/kafka/digest-publisher.ts';
import type { RedisDigestStore } from '../adapters/redis/digest-store.ts';
import type { AvroDecoder } from '../adapters/registry/avro-decoder.ts';
import type { AvroEncoder } from '../adapters/registry/avro-encoder.ts';
import type { TopicsByRole } from '../adapters/registry/schemas.ts';
import type { CoreContext } from '../core/processor.ts';
import type { DigestMetrics } from '../observability/metrics.ts';

/** The adapters around the digest core, as a batch or a flush sees them. */
export interface DigestDeps {
  /** The rules in force (swapped in place by the rules reloader) and their calendar. */
  core: CoreContext;
  store: RedisDigestStore;
  decoder: AvroDecoder;
  encoder: AvroEncoder<DigestOutputRole>;
  producer: Producer;
  topics: TopicsByRole<'rmRoutine' | DigestOutputRole>;
  metrics: DigestMetrics;
  /** Wall clock (UTC millis) for flush times; injectable so that tests can move time. */
  clock: () => number;
}

/** The digest stage's Redis keys live with the routine topic's partition, like timers with theirs. */
export const digestScopeOf = (topic: string, partition: number) => `${topic}:${partition}`;

/** Counts a failure of the kind of call before rethrowing it; the caller retries (batch) or the next tick does (flush). */
export async function counted<T>(work: () => Promise<T>, errors: { inc(): void }): Promise<T> {
  try {
    return await work();
  } catch (error) {
    errors.inc();
    throw error;
  }
}
