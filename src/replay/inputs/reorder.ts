import type { ReplayItem, TransactionItem } from '../records.ts';

export interface ReorderStats {
  /** Records that came after the buffer had already let later ones go: passed on out of order (the core judges their lateness). */
  late: number;
  /** The most records held at once. */
  maxBuffered: number;
}

/**
 * Puts a nearly sorted stream into event-time order, with a bounded buffer: a record is held until one at least
 * `windowMs` later has been read, then released in (event time, `tieBreak`) order. A record older than what was
 * already released cannot be put back in place; it is passed on at once and counted in `stats.late` (the core
 * then applies it if it is within the allowed lateness for its customer, and dead-letters it as too_late if not).
 * Memory: the records of one window. Rejected records are passed on as they come.
 */
export async function* reorderByEventTime(
  source: AsyncIterable<readonly ReplayItem[]>,
  windowMs: number,
  tieBreak: (left: TransactionItem, right: TransactionItem) => number,
  stats: ReorderStats,
): AsyncGenerator<ReplayItem[]> {
  const heap = new ItemHeap((left, right) => left.transaction.eventTime - right.transaction.eventTime || tieBreak(left, right));
  let latest = Number.NEGATIVE_INFINITY;
  let released = Number.NEGATIVE_INFINITY;
  for await (const items of source) {
    const out: ReplayItem[] = [];
    for (const item of items) {
      if (item.kind === 'rejected') {
        out.push(item);
        continue;
      }
      const time = item.transaction.eventTime;
      if (time < released) {
        stats.late += 1;
        out.push(item);
        continue;
      }
      heap.push(item);
      if (heap.size > stats.maxBuffered) stats.maxBuffered = heap.size;
      if (time > latest) {
        latest = time;
        // everything older than the window behind the latest record is final
        const until = latest - windowMs;
        while (heap.size > 0 && heap.peek()!.transaction.eventTime < until) out.push(heap.pop()!);
        if (until > released) released = until;
      }
    }
    if (out.length > 0) yield out;
  }
  const rest: ReplayItem[] = [];
  while (heap.size > 0) rest.push(heap.pop()!);
  if (rest.length > 0) yield rest;
}

/** A binary min-heap of transaction items. */
class ItemHeap {
  readonly #items: TransactionItem[] = [];

  constructor(private readonly compare: (left: TransactionItem, right: TransactionItem) => number) {}

  get size(): number {
    return this.#items.length;
  }

  peek(): TransactionItem | undefined {
    return this.#items[0];
  }

  push(item: TransactionItem): void {
    const items = this.#items;
    let index = items.push(item) - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.compare(items[parent]!, item) <= 0) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = item;
  }

  pop(): TransactionItem | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && this.compare(items[right]!, items[left]!) < 0 ? right : left;
      if (this.compare(last, items[child]!) <= 0) break;
      items[index] = items[child]!;
      index = child;
    }
    items[index] = last;
    return top;
  }
}
