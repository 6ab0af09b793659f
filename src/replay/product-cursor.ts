import type { ProductEvent } from '../domain/product-event.ts';
import type { Origin, ProductItem, ProductSource, Rejected } from './records.ts';

export interface PendingProduct {
  event: ProductEvent;
  origin: Origin;
}

/**
 * Walks the product events (`--products`) alongside the transactions, one at a time: `nextAt` is the event time of
 * the next one (Infinity when none is left). One at a time, because applying one may set a timer (a maturity's
 * notice window) due before the next, which must fire in between, as it would in the service. The file is expected
 * in event-time order; an event out of order waits for the one before it (nothing is reordered or lost).
 */
export class ProductCursor {
  readonly #iterator: AsyncIterator<ProductItem | readonly ProductItem[]> | undefined;
  #buffer: readonly ProductItem[] = [];
  #index = 0;
  #next: PendingProduct | undefined;

  private constructor(
    source: ProductSource | undefined,
    private readonly onRejected: (rejected: Rejected) => void | Promise<void>,
  ) {
    this.#iterator = source?.[Symbol.asyncIterator]();
  }

  static async open(source: ProductSource | undefined, onRejected: (rejected: Rejected) => void | Promise<void>): Promise<ProductCursor> {
    const cursor = new ProductCursor(source, onRejected);
    await cursor.#advance();
    return cursor;
  }

  get nextAt(): number {
    return this.#next?.event.eventTime ?? Number.POSITIVE_INFINITY;
  }

  /** The next product event; the caller checked `nextAt`. */
  async take(): Promise<PendingProduct> {
    const taken = this.#next;
    if (taken === undefined) throw new Error('no product event left to take');
    await this.#advance();
    return taken;
  }

  /** Moves to the next valid product event, handing rejected lines over on the way. */
  async #advance(): Promise<void> {
    this.#next = undefined;
    for (;;) {
      if (this.#index >= this.#buffer.length) {
        const step = await this.#iterator?.next();
        if (step === undefined || step.done === true) return;
        this.#buffer = Array.isArray(step.value) ? (step.value as readonly ProductItem[]) : [step.value as ProductItem];
        this.#index = 0;
        continue;
      }
      const item = this.#buffer[this.#index++]!;
      if (item.kind === 'product') {
        this.#next = { event: item.event, origin: item.origin };
        return;
      }
      await this.onRejected(item);
    }
  }
}
