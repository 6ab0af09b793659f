import type { ProductEvent } from '../domain/product-event.ts';
import type { Transaction } from '../domain/transaction.ts';
import type { PostingsOfDay } from '../generate/bank.ts';

/**
 * One walk of a generated bank's days (which can be walked only once) feeding two inputs of the replay: its
 * transactions and its product events. The replay holds the next product event ahead of stream time, so whichever
 * input needs another day walks it and queues the other's share: transactions are held only across the gap between
 * two product events (a day or two in a bank of thousands, all small days in a small bank).
 */
export class SharedDayWalk {
  readonly #days: Iterator<PostingsOfDay>;
  readonly #transactions: Transaction[][] = [];
  readonly #products: ProductEvent[][] = [];
  #done = false;

  constructor(days: Iterable<PostingsOfDay>) {
    this.#days = days[Symbol.iterator]();
  }

  /** Every day's postings, days without any included. */
  transactions(): AsyncGenerator<Transaction[]> {
    return this.#drain(this.#transactions, true);
  }

  /** The product events, a day at a time (days without any skipped). */
  products(): AsyncGenerator<ProductEvent[]> {
    return this.#drain(this.#products, false);
  }

  async *#drain<T>(queue: T[][], withEmptyDays: boolean): AsyncGenerator<T[]> {
    for (;;) {
      const next = queue.shift();
      if (next !== undefined) {
        if (withEmptyDays || next.length > 0) yield next;
        continue;
      }
      if (!this.#walk()) return;
    }
  }

  #walk(): boolean {
    if (this.#done) return false;
    const step = this.#days.next();
    if (step.done === true) {
      this.#done = true;
      return false;
    }
    this.#transactions.push(step.value.transactions);
    this.#products.push(step.value.products);
    return true;
  }
}
