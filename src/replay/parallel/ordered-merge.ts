import { comparePublishOrder } from '../publish-order.ts';
import type { PublishOrder } from '../publish-order.ts';

interface Source {
  queue: Array<{ order: PublishOrder; line: string }>;
  /** Index of the queue's head (a moving start rather than shift(), which is O(n)). */
  head: number;
  /** Everything this source will still add is ordered at or after this step. */
  settledBefore: number;
}

/**
 * Merges lines that several sources (the workers, the coordinator's own dead letters) add in their own publish
 * order into the one order of a replay of everything: a line is written once every source has moved past its step,
 * so memory holds only what the slowest source has not reached yet.
 */
export class OrderedMerge {
  readonly #sources: Source[];

  constructor(
    sources: number,
    private readonly write: (line: string) => Promise<void> | undefined,
  ) {
    this.#sources = Array.from({ length: sources }, () => ({ queue: [], head: 0, settledBefore: Number.NEGATIVE_INFINITY }));
  }

  add(source: number, lines: ReadonlyArray<{ order: PublishOrder; line: string }>, settledBefore: number): void {
    const entry = this.#sources[source]!;
    for (const line of lines) entry.queue.push(line);
    entry.settledBefore = settledBefore;
  }

  /** Writes every line no source can still precede. */
  async drain(): Promise<void> {
    const limit = Math.min(...this.#sources.map((source) => source.settledBefore));
    for (;;) {
      let first: Source | undefined;
      for (const source of this.#sources) {
        const head = source.queue[source.head];
        if (head === undefined || head.order[0] >= limit) continue;
        if (first === undefined || comparePublishOrder(head.order, first.queue[first.head]!.order) < 0) first = source;
      }
      if (first === undefined) break;
      const { line } = first.queue[first.head]!;
      first.head += 1;
      if (first.head > 4_096 && first.head * 2 > first.queue.length) {
        first.queue = first.queue.slice(first.head);
        first.head = 0;
      }
      const waiting = this.write(line);
      if (waiting !== undefined) await waiting;
    }
  }

  /** Every source is done: the rest, in order. */
  async finish(): Promise<void> {
    for (const source of this.#sources) source.settledBefore = Number.POSITIVE_INFINITY;
    await this.drain();
  }
}
