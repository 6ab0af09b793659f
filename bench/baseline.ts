import type { Kafka } from 'kafkajs';

export interface RawConsumeResult {
  records: number;
  /** First record handed over to the last one. */
  milliseconds: number;
  perSecond: number;
}

/**
 * What kafkajs alone manages on this machine: a group that only counts each batch (offsets resolved and committed
 * as kafkajs does by default), with the service's fetch settings. The ceiling any processing is compared to.
 */
export async function measureRawConsume(kafka: Kafka, topic: string, groupId: string, expected: number): Promise<RawConsumeResult> {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let records = 0;
    let firstAt: number | undefined;
    const lastAt = await new Promise<number>((resolveDone, reject) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            firstAt ??= performance.now();
            records += batch.messages.length;
            if (records >= expected) resolveDone(performance.now());
          },
        })
        .catch(reject);
    });
    const milliseconds = lastAt - (firstAt ?? lastAt);
    return { records, milliseconds, perSecond: records / (milliseconds / 1000) };
  } finally {
    await consumer.disconnect();
  }
}
