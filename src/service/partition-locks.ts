/**
 * One piece of work at a time per partition: a timer sweep and a batch of the same partition never interleave
 * (they would read the same customers' state, and one of them would lose its conditional write).
 */
export class PartitionLocks {
  private readonly tails = new Map<number, Promise<unknown>>();

  run<T>(partition: number, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(partition) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(partition, tail);
    void tail.then(() => {
      if (this.tails.get(partition) === tail) this.tails.delete(partition);
    });
    return next;
  }

  /** Holds the locks of all these partitions, taken in ascending order so that two holders never wait on each other. */
  runAll<T>(partitions: readonly number[], work: () => Promise<T>): Promise<T> {
    const [first, ...rest] = [...new Set(partitions)].sort((left, right) => left - right);
    if (first === undefined) return work();
    return this.run(first, () => this.runAll(rest, work));
  }
}
