import type { Rejected } from './records.ts';

/**
 * Walks a side input of the replay (RM outcomes, product events) alongside the transactions: `nextAt` is the time of
 * the next valid item (Infinity when none is left); rejected lines are handed to `onRejected` on the way. The file
 * is expected in time order; an item out of order waits for the one before it (nothing is reordered or lost).
 */
export class SideInputCursor<Item extends { kind: string }, Value> {
  readonly #iterator: AsyncIterator<Item | readonly Item[]> | undefined;
  #buffer: readonly Item[] = [];
  #index = 0;
  #next: Value | undefined;

  private constructor(
    source: AsyncIterable<Item | readonly Item[]> | undefined,
    private readonly read: {
      /** The value an accepted item carries. */
      valueOf(item: Exclude<Item, Rejected>): Value;
      timeOf(value: Value): number;
      onRejected(rejected: Rejected): void | Promise<void>;
    },
  ) {
    this.#iterator = source?.[Symbol.asyncIterator]();
  }

  static async open<Item extends { kind: string }, Value>(
    source: AsyncIterable<Item | readonly Item[]> | undefined,
    read: SideInputCursor<Item, Value>['read'],
  ): Promise<SideInputCursor<Item, Value>> {
    const cursor = new SideInputCursor(source, read);
    await cursor.#advance();
    return cursor;
  }

  get nextAt(): number {
    return this.#next === undefined ? Number.POSITIVE_INFINITY : this.read.timeOf(this.#next);
  }

  /** The next value; the caller checked `nextAt`. */
  async take(): Promise<Value> {
    const taken = this.#next;
    if (taken === undefined) throw new Error('no item left to take');
    await this.#advance();
    return taken;
  }

  /** The values up to `time` (inclusive), in file order. */
  async takeUpTo(time: number): Promise<Value[]> {
    const taken: Value[] = [];
    while (this.#next !== undefined && this.read.timeOf(this.#next) <= time) taken.push(await this.take());
    return taken;
  }

  async #advance(): Promise<void> {
    this.#next = undefined;
    for (;;) {
      if (this.#index >= this.#buffer.length) {
        const step = await this.#iterator?.next();
        if (step === undefined || step.done === true) return;
        this.#buffer = Array.isArray(step.value) ? (step.value as readonly Item[]) : [step.value as Item];
        this.#index = 0;
        continue;
      }
      const item = this.#buffer[this.#index++]!;
      if (item.kind === 'rejected') {
        await this.read.onRejected(item as unknown as Rejected);
        continue;
      }
      this.#next = this.read.valueOf(item as Exclude<Item, Rejected>);
      return;
    }
  }
}
