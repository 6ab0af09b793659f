import { once } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { z } from 'zod';
import { deadLetterReasons } from '../../domain/dead-letter.ts';
import { productEventSchema } from '../../domain/product-event.ts';
import { customerProfileSchema } from '../../domain/profile.ts';
import { alertOutcomeSchema } from '../outcomes.ts';

/**
 * Side inputs (outcomes, product events, profile updates) of a parallel replay: every worker needs every item (their
 * times move each worker's stream time), read at its own pace. The coordinator reads each source once and hands
 * its batches to each worker on request over a MessagePort, keeping a batch until every worker has taken it; so
 * the sources may be files or generated in memory (a backtest's bank), and memory holds what lies between the
 * slowest and the fastest worker.
 */

const originSchema = z.strictObject({ source: z.string(), line: z.number().int() });
/** An item's offset on the partition it was read from (a rebuild), where it has one. */
const offsetSchema = z.number().int().nonnegative().optional();
const rejectedSchema = z.strictObject({ kind: z.literal('rejected'), reason: z.enum(deadLetterReasons), detail: z.string(), origin: originSchema, offset: offsetSchema });

export const sideItemSchemas = {
  outcomes: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('outcome'), outcome: alertOutcomeSchema }), rejectedSchema]),
  products: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('product'), event: productEventSchema, origin: originSchema, offset: offsetSchema }), rejectedSchema]),
  profileUpdates: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('profile'), profile: customerProfileSchema }), rejectedSchema]),
} as const;

export type SideInputName = keyof typeof sideItemSchemas;
export const sideInputNames = Object.keys(sideItemSchemas) as SideInputName[];

/** The answer to a worker's request: the next batch, or the end of the source. */
const relayAnswerSchema = z.union([z.strictObject({ done: z.literal(true) }), z.strictObject({ done: z.literal(false), items: z.array(z.unknown()) })]);

/** The coordinator's side of one source: its batches, read once, for `consumers` readers. */
export class SideInputTee<Item> {
  readonly #iterator: AsyncIterator<Item | readonly Item[]>;
  /** Batches read and not yet taken by every consumer; `#base` is the index of the first. */
  readonly #batches: Item[][] = [];
  #base = 0;
  readonly #positions: number[];
  #ended = false;
  #reading: Promise<void> | undefined;

  constructor(source: AsyncIterable<Item | readonly Item[]>, consumers: number) {
    this.#iterator = source[Symbol.asyncIterator]();
    this.#positions = Array.from({ length: consumers }, () => 0);
  }

  /** The consumer's next batch, or undefined at the end. */
  async next(consumer: number): Promise<Item[] | undefined> {
    const position = this.#positions[consumer]!;
    while (position - this.#base >= this.#batches.length && !this.#ended) await this.#readOne();
    const batch = this.#batches[position - this.#base];
    if (batch === undefined) return undefined;
    this.#positions[consumer] = position + 1;
    const slowest = Math.min(...this.#positions);
    while (this.#base < slowest) {
      this.#batches.shift();
      this.#base += 1;
    }
    return batch;
  }

  #readOne(): Promise<void> {
    // two consumers asking at once wait for the same read
    this.#reading ??= (async () => {
      const step = await this.#iterator.next();
      if (step.done === true) this.#ended = true;
      else this.#batches.push(Array.isArray(step.value) ? [...(step.value as readonly Item[])] : [step.value as Item]);
    })().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  /** Answers `consumer`'s requests on `port` until the source ends. */
  serve(consumer: number, port: MessagePort, onError: (error: Error) => void): void {
    port.on('message', () => {
      this.next(consumer).then(
        (items) => port.postMessage(items === undefined ? { done: true } : { done: false, items }),
        (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }
}

/** A worker's side of one source: batches asked for on `port` when the replay's cursor reaches the end of the last. */
export async function* relayedSideInput<S extends z.ZodType>(port: MessagePort, schema: S): AsyncGenerator<Array<z.output<S>>> {
  try {
    for (;;) {
      port.postMessage('next');
      const [raw] = (await once(port, 'message')) as [unknown];
      const answer = relayAnswerSchema.parse(raw);
      if (answer.done) return;
      yield answer.items.map((item) => schema.parse(item));
    }
  } finally {
    port.close();
  }
}
