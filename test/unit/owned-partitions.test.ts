import { describe, expect, it } from 'vitest';
import { OwnedPartitions } from '../../src/service/owned-partitions.ts';
import type { DropReason, OwnedWrite } from '../../src/service/owned-partitions.ts';
import { StateCache } from '../../src/service/state-cache.ts';
import { MemoryStateStore } from '../../src/state/memory-store.ts';
import { PartitionFencedError } from '../../src/state/store.ts';
import type { LoadedCustomer } from '../../src/state/store.ts';
import { customerProfile, customerState } from '../support/state-store-contract.ts';

const scopeOf = (partition: number) => `tx:${partition}`;

/** One instance's view of a store shared with others; counts the customers it reads from the store. */
function instance(store: MemoryStateStore, maxCustomers = 1_000) {
  const readFromStore: string[] = [];
  const drops: Array<{ partition: number; reason: DropReason; customers: number }> = [];
  const counting = new Proxy(store, {
    get(target, property) {
      // the store's own methods on the store itself (they use its private fields)
      const value: unknown = Reflect.get(target, property, target);
      if (property !== 'load') return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      return (ids: readonly string[]) => {
        readFromStore.push(...ids);
        return target.load(ids);
      };
    },
  });
  const owned = new OwnedPartitions(counting, { scopeOf, maxCustomers, onDropped: (partition, reason, customers) => drops.push({ partition, reason, customers }) });
  return { owned, readFromStore, drops };
}

/** The next revision of a loaded customer, written through `partition`, as a unit of work writes it. */
function nextWrite(partition: number, customerId: string, loaded: ReadonlyMap<string, LoadedCustomer>, appliedOffset: number): OwnedWrite {
  const stored = loaded.get(customerId);
  const rev = (stored?.rev ?? 0) + 1;
  return { customerId, expectedRev: stored?.rev ?? 0, state: customerState(customerId, { rev, partition, appliedOffset }), partition, profile: stored?.profile };
}

/** A unit of work on one partition: claim, load, write each customer once. */
async function unit(owned: OwnedPartitions, partition: number, customerIds: readonly string[], appliedOffset: number) {
  const fences = await owned.claim([partition]);
  const loaded = await owned.load(customerIds);
  return owned.commit({ fences, writes: customerIds.map((id) => nextWrite(partition, id, loaded, appliedOffset)) });
}

describe('owned partitions: states kept where they are used', () => {
  it('read a customer from the store once after the partition is taken, then from memory, written through every unit', async () => {
    const store = new MemoryStateStore();
    await store.putProfiles([{ customerId: 'c-1', profile: customerProfile('c-1') }]);
    const { owned, readFromStore } = instance(store);
    owned.assigned(new Set([0]));
    for (let offset = 1; offset <= 5; offset += 1) await unit(owned, 0, ['c-1', 'c-2'], offset);
    expect(readFromStore.sort()).toEqual(['c-1', 'c-2']);
    // Redis is the durable store: every unit's write is there
    const stored = await store.load(['c-1', 'c-2']);
    expect(stored.get('c-1')).toMatchObject({ rev: 5, state: { appliedOffset: 5 } });
    expect(stored.get('c-2')).toMatchObject({ rev: 5 });
    // the profile read with the state stays beside it
    expect((await owned.load(['c-1'])).get('c-1')?.profile).toEqual(customerProfile('c-1'));
  });

  it('drop a revoked partition’s customers at the rebalance, keep those of the partitions still owned', async () => {
    const store = new MemoryStateStore();
    const { owned, readFromStore, drops } = instance(store);
    owned.assigned(new Set([0, 1]));
    await unit(owned, 0, ['c-0'], 1);
    await unit(owned, 1, ['c-1'], 1);
    owned.assigned(new Set([1]));
    expect(drops).toEqual([{ partition: 0, reason: 'revoked', customers: 1 }]);
    expect(owned.cachedCustomers).toBe(1);
    readFromStore.length = 0;
    await unit(owned, 1, ['c-1'], 2);
    expect(readFromStore, 'kept across the rebalance: nobody took partition 1').toEqual([]);
  });

  it('refuse a zombie’s write once another instance took the partition; the zombie drops its cache and claims nothing until reassigned', async () => {
    const store = new MemoryStateStore();
    const zombie = instance(store);
    zombie.owned.assigned(new Set([0]));
    await unit(zombie.owned, 0, ['c-1'], 1);
    // it stalls; the group gives partition 0 to another instance, which goes on with c-1
    const owner = instance(store);
    owner.owned.assigned(new Set([0]));
    await unit(owner.owned, 0, ['c-1'], 2);
    // the zombie wakes up with its unit in hand: c-1 from its memory (revision 1) and a customer nobody wrote yet
    const fences = await zombie.owned.claim([0]);
    expect(fences, 'it still believes it holds generation 1').toEqual([{ partition: 0, scope: 'tx:0', generation: 1 }]);
    const loaded = await zombie.owned.load(['c-1', 'c-9']);
    const refused = zombie.owned.commit({ fences, writes: [nextWrite(0, 'c-1', loaded, 1), nextWrite(0, 'c-9', loaded, 1)] });
    await expect(refused).rejects.toBeInstanceOf(PartitionFencedError);
    expect(await store.load(['c-1', 'c-9'])).toEqual(
      new Map([
        ['c-1', { rev: 2, state: customerState('c-1', { rev: 2, partition: 0, appliedOffset: 2 }), profile: undefined }],
        ['c-9', { rev: 0, state: undefined, profile: undefined }],
      ]),
    );
    expect(zombie.drops.map(({ reason }) => reason)).toEqual(['fenced']);
    expect(zombie.owned.mayWork(0)).toBe(false);
    // its retries do not claim the partition back from under the new owner, whose writes go on
    await expect(zombie.owned.claim([0])).rejects.toBeInstanceOf(PartitionFencedError);
    await unit(owner.owned, 0, ['c-1'], 3);
    expect(owner.drops).toEqual([]);
  });

  it('drop what it kept of a partition given back after another instance held it, and read those customers again', async () => {
    const store = new MemoryStateStore();
    const first = instance(store);
    first.owned.assigned(new Set([0]));
    await unit(first.owned, 0, ['c-1'], 1);
    // a rebalance: the partition goes elsewhere for a while, and comes back before the next unit here
    const other = instance(store);
    other.owned.assigned(new Set([0]));
    await unit(other.owned, 0, ['c-1'], 2);
    first.owned.assigned(new Set([0]));
    first.readFromStore.length = 0;
    expect(await unit(first.owned, 0, ['c-1'], 3)).toEqual({ conflicts: [] });
    expect(first.drops).toEqual([{ partition: 0, reason: 'taken_meanwhile', customers: 1 }]);
    expect(first.readFromStore).toEqual(['c-1']);
    expect((await store.load(['c-1'])).get('c-1')).toMatchObject({ rev: 3, state: { appliedOffset: 3 } });
  });

  it('keep nothing of a unit that fails before its write is stored: the core changes states in place', async () => {
    const store = new MemoryStateStore();
    const { owned, readFromStore } = instance(store);
    owned.assigned(new Set([0]));
    await unit(owned, 0, ['c-1'], 1);
    const loaded = await owned.load(['c-1']);
    loaded.get('c-1')!.state!.appliedOffset = 99; // applied in memory; then Kafka or Redis fails, nothing is stored
    readFromStore.length = 0;
    const again = await owned.load(['c-1']);
    expect(readFromStore).toEqual(['c-1']);
    expect(again.get('c-1')).toMatchObject({ rev: 1, state: { appliedOffset: 1 } });
  });

  it('forget a customer whose write was refused (another writer), and one whose write failed', async () => {
    const store = new MemoryStateStore();
    const { owned, readFromStore } = instance(store);
    owned.assigned(new Set([0]));
    await unit(owned, 0, ['c-1', 'c-2'], 1);
    const fences = await owned.claim([0]);
    const loaded = await owned.load(['c-1', 'c-2']);
    // c-1 written meanwhile through another path (input not keyed by customer)
    await store.commit([{ customerId: 'c-1', expectedRev: 1, state: customerState('c-1', { rev: 2 }) }], []);
    expect(await owned.commit({ fences, writes: [nextWrite(0, 'c-1', loaded, 2), nextWrite(0, 'c-2', loaded, 2)] })).toEqual({ conflicts: ['c-1'] });
    readFromStore.length = 0;
    await owned.load(['c-1', 'c-2']);
    expect(readFromStore).toEqual(['c-1']);
  });

  it('claim each partition once per assignment (one round trip); a unit keeps the fence it started under across a rebalance', async () => {
    const store = new MemoryStateStore();
    const { owned } = instance(store);
    owned.assigned(new Set([0, 1]));
    const fences = await owned.claim([0, 1]);
    const before = store.roundTrips;
    expect(await owned.claim([1, 0])).toEqual([...fences].reverse());
    expect(store.roundTrips).toBe(before);
    const loaded = await owned.load(['c-1']);
    owned.assigned(new Set([1])); // partition 0 revoked while the unit ran; nobody has taken it yet
    expect(await owned.commit({ fences: fences.filter(({ partition }) => partition === 0), writes: [nextWrite(0, 'c-1', loaded, 1)] })).toEqual({ conflicts: [] });
    expect(owned.cachedCustomers, 'not kept for a partition no longer owned').toBe(0);
    // a batch fetched before the rebalance neither takes partition 0 from its new owner nor is fenced
    expect(await owned.claim([0])).toEqual([]);
    const [next] = await store.claimPartitions([{ scope: scopeOf(0), previous: undefined }]);
    expect(next?.generation, 'nobody raised partition 0 since its first claim').toBe(2);
  });
});

describe('state cache', () => {
  it('evict the least recently written customers beyond its size, and hand an entry to one taker only', () => {
    const cache = new StateCache(2);
    const entry = (rev: number) => ({ rev, state: undefined, profile: undefined });
    cache.put(0, 'a', entry(1));
    cache.put(0, 'b', entry(1));
    cache.put(0, 'a', entry(2)); // written again: now the most recent
    cache.put(1, 'c', entry(1));
    expect(cache.take('b')).toBeUndefined();
    expect(cache.take('a')).toEqual(entry(2));
    expect(cache.take('a')).toBeUndefined();
    expect(cache.partitions()).toEqual(new Map([[1, 1]]));
    expect(cache.drop(1)).toBe(1);
    expect(cache.size).toBe(0);
  });

  it('keep nothing with a size of 0', () => {
    const cache = new StateCache(0);
    cache.put(0, 'a', { rev: 1, state: undefined, profile: undefined });
    expect(cache.size).toBe(0);
  });
});
