import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes } from '@platformatic/kafka';
import type { Kafka } from 'kafkajs';

export interface RawConsumeResult {
  records: number;
  /**
   * The group join (assignment received) to the last record counted: the first fetch included, as the saturation
   * phase's clock starts at the service's group join too.
   */
  milliseconds: number;
  perSecond: number;
  /** The first record handed over to the last one (leaves out the join and the first fetch). */
  firstToLastMilliseconds: number;
}

/** What each raw consume is given: the topic, a group never used before, and the count it must reach. */
export interface RawConsumeTarget {
  topic: string;
  groupId: string;
  /** Records on the topic (the sum of its partitions' high watermarks): the consume stops when it has seen them. */
  expected: number;
  /** A consume that has not seen `expected` records by then does not work here: the bench fails. */
  timeoutMs: number;
}

/** Resolves with the consume's result, or rejects once `timeoutMs` has passed, naming how far it got. */
function countedUntil(target: RawConsumeTarget, client: string, progress: () => number, run: (resolveDone: (result: RawConsumeResult) => void, reject: (error: unknown) => void) => void): Promise<RawConsumeResult> {
  return new Promise<RawConsumeResult>((resolveDone, reject) => {
    const timer = setTimeout(() => reject(new Error(`${client} saw ${progress()} of the ${target.expected} records of ${target.topic} within ${target.timeoutMs} ms`)), target.timeoutMs);
    run(
      (result) => {
        clearTimeout(timer);
        resolveDone(result);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export const resultOf = (records: number, joinedAt: number | undefined, firstAt: number | undefined, lastAt: number): RawConsumeResult => {
  const milliseconds = lastAt - (joinedAt ?? firstAt ?? lastAt);
  return { records, milliseconds, perSecond: milliseconds > 0 ? records / (milliseconds / 1000) : Number.NaN, firstToLastMilliseconds: lastAt - (firstAt ?? lastAt) };
};

/**
 * What kafkajs alone manages on this machine: a group that only counts each batch (offsets resolved and committed
 * as kafkajs does by default), with the service's fetch settings. The ceiling any processing is compared to.
 */
export async function measureRawConsume(kafka: Kafka, target: RawConsumeTarget): Promise<RawConsumeResult> {
  const { topic, groupId, expected } = target;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  let joinedAt: number | undefined;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joinedAt ??= performance.now();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let records = 0;
    let firstAt: number | undefined;
    return await countedUntil(target, 'kafkajs', () => records, (resolveDone, reject) => {
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            firstAt ??= performance.now();
            records += batch.messages.length;
            if (records >= expected) resolveDone(resultOf(records, joinedAt, firstAt, performance.now()));
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

/**
 * The same raw consume through @platformatic/kafka (pure JS, maintained): a fresh group from the earliest offset,
 * values left as Buffers (no deserializer, as kafkajs hands them over), offsets committed after each fetch
 * (`autocommit: true`, as kafkajs commits after each batch), the same 500 ms fetch wait. Its stream hands over one
 * message at a time; counting them is all the work. What the Kafka client itself costs, beside kafkajs's figure.
 */
export async function measureRawConsumePlatformatic(brokers: readonly string[], clientId: string, target: RawConsumeTarget): Promise<RawConsumeResult> {
  const { topic, groupId, expected } = target;
  const consumer = new Consumer({ groupId, clientId, bootstrapBrokers: [...brokers], maxWaitTime: 500, autocommit: true });
  let clientError: unknown;
  consumer.on('error', (error: unknown) => {
    clientError ??= error;
  });
  let joinedAt: number | undefined;
  consumer.on('consumer:group:join', () => {
    joinedAt ??= performance.now();
  });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.COMMITTED, fallbackMode: MessagesStreamFallbackModes.EARLIEST });
    let records = 0;
    let firstAt: number | undefined;
    const done = countedUntil(target, '@platformatic/kafka', () => records, (resolveDone, reject) => {
      stream.on('data', () => {
        firstAt ??= performance.now();
        records += 1;
        if (records === expected) resolveDone(resultOf(records, joinedAt, firstAt, performance.now()));
      });
      // kept for the stream's life: a second error (while closing, say) must not be an unhandled 'error' event
      stream.on('error', reject);
      stream.once('end', () => reject(new Error(`the stream ended after ${records} of ${expected} records`)));
    });
    try {
      const result = await done;
      if (clientError !== undefined) throw clientError;
      return result;
    } finally {
      stream.removeAllListeners('data');
      await stream.close();
    }
  } finally {
    await consumer.close(true);
  }
}
