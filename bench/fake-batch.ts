import type { Batch, KafkaMessage } from 'kafkajs';

/**
 * A kafkajs batch of these messages of one partition, as `eachBatch` hands it, for the benches that drive the
 * service's handler without a broker (batch-anatomy.ts, pipeline-harness.ts): fully consumed, no lag.
 */
export function fakeBatch(topic: string, partition: number, messages: KafkaMessage[], offsets: { first: string; last: string; highWatermark: number }): Batch {
  const { first, last } = offsets;
  return {
    topic,
    partition,
    highWatermark: String(offsets.highWatermark),
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => first,
    lastOffset: () => last,
    offsetLag: () => '0',
    offsetLagLow: () => '0',
  };
}
