import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { ReplayRange } from './plan.ts';

/** While the rebuild works on a handed-over batch, the reader's consumer keeps its group session alive this often. */
const HEARTBEAT_MS = 3_000;
/**
 * kafkajs hands over no empty batch: a range whose last offsets hold no record (a transaction marker at the end of a
 * partition) would otherwise be waited for in silence. Nothing for this long fails the rebuild, saying where it was.
 */
const SILENCE_MS = 120_000;

/**
 * Records [from, to) of one topic's partition, in offset order, as arrays of messages, one fetch at a time: the
 * next fetch waits until the caller has taken the previous one (backpressure), so a partition of millions of
 * records never sits in memory at once. kafkajs reads only through a consumer group: a throwaway group of its own,
 * which commits nothing (the service's group is never touched), pauses the topic's other partitions and seeks to
 * `from`.
 */
export async function* readRange(kafka: Kafka, range: ReplayRange, partition: number): AsyncGenerator<KafkaMessage[]> {
  if (range.to <= range.from) return;
  const consumer = kafka.consumer({ groupId: `tidewatch-rebuild-${randomBytes(6).toString('hex')}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  const handoff = new Handoff<KafkaMessage[]>();
  // a crash kafkajs will not retry ends the read with its error, rather than leaving it waiting
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) handoff.fail(payload.error);
  });
  await consumer.connect();
  let reached = range.from;
  try {
    await consumer.subscribe({ topics: [range.topic], fromBeginning: true });
    const running = consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, pause }) => {
        if (batch.partition !== partition) {
          pause();
          return;
        }
        if (handoff.closed) return;
        const wanted = batch.messages.filter((message) => BigInt(message.offset) >= range.from && BigInt(message.offset) < range.to);
        if (wanted.length > 0) await handoff.put(wanted, heartbeat);
        // the range ends at `to`, or where the partition ended when fetched (a compacted tail has gaps)
        const next = BigInt(batch.lastOffset()) + 1n;
        if (next >= range.to || next >= BigInt(batch.highWatermark)) handoff.end();
      },
    });
    running.catch((error: unknown) => handoff.fail(error));
    await running;
    consumer.seek({ topic: range.topic, partition, offset: range.from.toString() });
    for (;;) {
      const messages = await withinSilence(handoff.take(), () => `no record of ${range.topic} partition ${partition} for ${SILENCE_MS / 1000} s at offset ${reached}, though the group committed up to ${range.to}`);
      if (messages === undefined) return;
      reached = BigInt(messages.at(-1)!.offset) + 1n;
      yield messages;
    }
  } finally {
    handoff.close();
    await consumer.disconnect();
  }
}

async function withinSilence<T>(waiting: Promise<T>, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), SILENCE_MS);
  });
  try {
    return await Promise.race([waiting, silence]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A one-slot channel from kafkajs' eachBatch (producer) to an async generator (consumer): `put` resolves once the
 * value has been taken, heartbeating meanwhile so that a slow rebuild does not cost the reader its group session.
 */
class Handoff<T> {
  #slot: { value: T; taken: () => void } | undefined;
  #waiting: ((value: T | undefined) => void) | undefined;
  #failure: { error: unknown } | undefined;
  #onFailure: ((error: unknown) => void) | undefined;
  #ended = false;

  get closed(): boolean {
    return this.#ended || this.#failure !== undefined;
  }

  async put(value: T, heartbeat: () => Promise<void>): Promise<void> {
    const taken = new Promise<void>((resolveTaken) => {
      this.#slot = { value, taken: resolveTaken };
    });
    this.#deliver();
    const beat = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_MS);
    try {
      await taken;
    } finally {
      clearInterval(beat);
    }
  }

  /** The producer's side: nothing more comes (a value still in the slot is delivered first). */
  end(): void {
    this.#ended = true;
    this.#deliver();
  }

  /** The consumer's side: it takes nothing more; a producer waiting on its value is let go. */
  close(): void {
    this.#ended = true;
    this.#slot?.taken();
    this.#slot = undefined;
  }

  fail(error: unknown): void {
    this.#failure = { error };
    this.#onFailure?.(error);
  }

  /** The next value; undefined once the range is read. */
  take(): Promise<T | undefined> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    return new Promise<T | undefined>((resolveTake, reject) => {
      this.#waiting = resolveTake;
      this.#onFailure = reject;
      this.#deliver();
    });
  }

  #deliver(): void {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    const slot = this.#slot;
    if (slot !== undefined) {
      this.#slot = undefined;
      this.#waiting = undefined;
      slot.taken();
      waiting(slot.value);
    } else if (this.#ended) {
      this.#waiting = undefined;
      waiting(undefined);
    }
  }
}
