/**
 * kafkajs hands over one batch per partition, to as many concurrent workers as partitions are consumed
 * concurrently. The batches of one fetch arrive within the same turn of the event loop; the coalescer gathers
 * them into one unit of work, so that a unit costs one Redis read, one Redis write and one produce whatever the
 * number of partitions in it, and each batch's caller waits for the whole unit.
 */
export class BatchCoalescer<T> {
  private pending: { items: T[]; done: Promise<void> } | undefined;

  constructor(private readonly processUnit: (items: T[]) => Promise<void>) {}

  submit(item: T): Promise<void> {
    if (this.pending === undefined) {
      const unit: { items: T[]; done: Promise<void> } = { items: [], done: Promise.resolve() };
      // setImmediate runs after the microtasks that bring the other workers' batches here
      unit.done = new Promise<void>((resolveTurn) => setImmediate(resolveTurn)).then(() => {
        this.pending = undefined;
        return this.processUnit(unit.items);
      });
      this.pending = unit;
    }
    this.pending.items.push(item);
    return this.pending.done;
  }
}
