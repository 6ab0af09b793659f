/**
 * The time timers are judged against, per input partition. A partition that has caught up with its topic runs on
 * the wall clock: silence really is silence. One still working through a backlog runs on the latest event time it
 * has processed, so that a customer whose recent transactions are still queued is not declared dormant.
 */
interface PartitionTime {
  streamTime: number;
  caughtUp: boolean;
}

export class PartitionClocks {
  private readonly partitions = new Map<number, PartitionTime>();

  /** After a batch: the latest event time it carried and whether it reached the partition's end. */
  observeBatch(partition: number, latestEventTime: number, caughtUp: boolean): void {
    const known = this.partitions.get(partition);
    this.partitions.set(partition, { streamTime: Math.max(known?.streamTime ?? latestEventTime, latestEventTime), caughtUp });
  }

  /** For a partition with nothing to fetch since assignment (learnt from committed vs end offsets). */
  observeIdle(partition: number, caughtUp: boolean): void {
    const known = this.partitions.get(partition);
    if (known === undefined) this.partitions.set(partition, { streamTime: Number.NEGATIVE_INFINITY, caughtUp });
  }

  isKnown(partition: number): boolean {
    return this.partitions.has(partition);
  }

  /** Undefined while the partition's position is unknown: its timers wait. */
  timerNow(partition: number, wallClock: number): number | undefined {
    const known = this.partitions.get(partition);
    if (known === undefined) return undefined;
    if (known.caughtUp) return wallClock;
    return Number.isFinite(known.streamTime) ? known.streamTime : undefined;
  }

  /** After a rebalance: what was learnt about partitions now owned elsewhere no longer holds. */
  retainOnly(owned: ReadonlySet<number>): void {
    for (const partition of this.partitions.keys()) if (!owned.has(partition)) this.partitions.delete(partition);
  }
}
