import type { OwnedWrite } from './owned-partitions.ts';

/**
 * Outbox settles of delivered transaction batches, waiting to ride along with the next write to Redis, per input
 * partition. A settle only frees Redis of alerts already published: the core drops them by itself on the customer's
 * next batch (they sit below its first offset), so a settle may wait, and one that is lost (a crash, a rebalance) or
 * refused (the customer written meanwhile) changes nothing that is read. Sent with the next unit's commit instead of
 * on its own, it saves a round trip per unit; a partition with no next unit has its settles sent by its timer sweep.
 * Whoever sends a partition's settles holds that partition's lock, so they never race its batches or its timers.
 */
export class DeferredSettles {
  private readonly byPartition = new Map<number, OwnedWrite[]>();

  add(partition: number, settles: readonly OwnedWrite[]): void {
    if (settles.length === 0) return;
    const waiting = this.byPartition.get(partition);
    if (waiting === undefined) this.byPartition.set(partition, [...settles]);
    else waiting.push(...settles);
  }

  /** The settles of these partitions, now the caller's to send; none stay behind. */
  take(partitions: Iterable<number>): OwnedWrite[] {
    const taken: OwnedWrite[] = [];
    for (const partition of partitions) {
      const waiting = this.byPartition.get(partition);
      if (waiting === undefined) continue;
      this.byPartition.delete(partition);
      taken.push(...waiting);
    }
    return taken;
  }

  /** After a rebalance: the settles of partitions owned elsewhere are dropped (the new owner's batches clean up). */
  retainOnly(owned: ReadonlySet<number>): void {
    for (const partition of this.byPartition.keys()) if (!owned.has(partition)) this.byPartition.delete(partition);
  }
}
