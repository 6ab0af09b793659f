import type { AlertOutcome, OutcomeItem, OutcomeSource } from './outcomes.ts';
import type { Rejected } from './records.ts';

/**
 * Walks an outcome source alongside the transactions: `nextAt` is the recordedAt of the next outcome (Infinity
 * when none is left), `takeUpTo` answers the outcomes recorded up to a time, in file order. The file is expected in
 * recordedAt order; an outcome out of order waits for the one before it (nothing is reordered or lost).
 */
export class OutcomeCursor {
  readonly #iterator: AsyncIterator<OutcomeItem | readonly OutcomeItem[]> | undefined;
  #buffer: readonly OutcomeItem[] = [];
  #index = 0;
  #next: AlertOutcome | undefined;

  private constructor(
    source: OutcomeSource | undefined,
    private readonly onRejected: (rejected: Rejected) => void | Promise<void>,
  ) {
    this.#iterator = source?.[Symbol.asyncIterator]();
  }

  static async open(source: OutcomeSource | undefined, onRejected: (rejected: Rejected) => void | Promise<void>): Promise<OutcomeCursor> {
    const cursor = new OutcomeCursor(source, onRejected);
    await cursor.#advance();
    return cursor;
  }

  get nextAt(): number {
    return this.#next?.recordedAt ?? Number.POSITIVE_INFINITY;
  }

  async takeUpTo(time: number): Promise<AlertOutcome[]> {
    const taken: AlertOutcome[] = [];
    while (this.#next !== undefined && this.#next.recordedAt <= time) {
      taken.push(this.#next);
      await this.#advance();
    }
    return taken;
  }

  async takeAll(): Promise<AlertOutcome[]> {
    return this.takeUpTo(Number.POSITIVE_INFINITY);
  }

  /** Moves to the next valid outcome, handing rejected lines over on the way. */
  async #advance(): Promise<void> {
    this.#next = undefined;
    for (;;) {
      if (this.#index >= this.#buffer.length) {
        const step = await this.#iterator?.next();
        if (step === undefined || step.done === true) return;
        this.#buffer = Array.isArray(step.value) ? (step.value as readonly OutcomeItem[]) : [step.value as OutcomeItem];
        this.#index = 0;
        continue;
      }
      const item = this.#buffer[this.#index++]!;
      if (item.kind === 'outcome') {
        this.#next = item.outcome;
        return;
      }
      await this.onRejected(item);
    }
  }
}
