import { describe, expect, it } from 'vitest';
import { SyntheticBank } from '../../../src/generate/bank.ts';
import { Replay } from '../../../src/replay/engine.ts';
import type { TransactionItem } from '../../../src/replay/records.ts';
import { MemoryStateStore } from '../../../src/state/memory-store.ts';
import { core, partitionOfThree, profileItems, smallBank, threePartitionBank } from '../replay/fixtures.ts';

const PARTITION = 3;
const SCOPE = 'bank.transactions:3';

/** A generated bank's postings as records of one Kafka partition: offsets with gaps, as a compacted or transactional log has. */
function partitionRecords() {
  const bank = new SyntheticBank(smallBank({ months: 3 }));
  const transactions = [...bank.days()].flatMap((day) => day.transactions);
  const items: TransactionItem[] = transactions.map((transaction, index) => ({ kind: 'transaction', transaction, line: 2 * index + 5, offset: 2 * index + 5 }));
  return { items, profiles: profileItems(bank.profiles()), customerIds: [...new Set(transactions.map((transaction) => transaction.customerId))] };
}

async function replayInto(store: MemoryStateStore, items: readonly TransactionItem[], profiles: ReturnType<typeof partitionRecords>['profiles'] | null, published: string[]) {
  const replay = new Replay({ core, store, position: { partition: PARTITION, timerScope: SCOPE }, onAlert: (record) => void published.push(JSON.stringify(record)) });
  if (profiles !== null) await replay.loadProfiles([profiles]);
  return replay.run([items]);
}

/**
 * What `tidewatch rebuild` relies on in the replay engine: it applies records as a named partition of the service
 * (their own offsets, that partition's timer set), and the state it leaves behind a committed offset continues
 * exactly as if nothing had been lost: the records after it give what one pass over everything gives.
 */
describe('Replay as a partition of the service (tidewatch rebuild)', { timeout: 120_000 }, () => {
  it('stores the partition, the records\' own offsets and the partition\'s timers', async () => {
    const { items, profiles, customerIds } = partitionRecords();
    const store = new MemoryStateStore();
    await replayInto(store, items, profiles, []);
    const states = [...(await store.load(customerIds)).values()].map((loaded) => loaded.state!);
    expect(states.every((state) => state.partition === PARTITION && state.appliedOffset % 2 === 1)).toBe(true);
    expect(Math.max(...states.map((state) => state.appliedOffset))).toBe(items.at(-1)!.offset);
    expect(states.every((state) => state.outbox.length === 0)).toBe(true);
    expect((await store.dueTimers(SCOPE, Number.POSITIVE_INFINITY, 10_000)).length).toBeGreaterThan(0);
    expect(await store.dueTimers('replay:0', Number.POSITIVE_INFINITY, 10)).toEqual([]);
  });

  it('fires only the timers due by timersDueBy (--timers-until): the later ones stay in the timer set for the service', async () => {
    const { items, profiles } = partitionRecords();
    const swept = await replayInto(new MemoryStateStore(), items, profiles, []);
    expect(swept.timersFired).toBeGreaterThan(0);
    const store = new MemoryStateStore();
    const replay = new Replay({ core, store, position: { partition: PARTITION, timerScope: SCOPE }, timersDueBy: 0 });
    await replay.loadProfiles([profiles]);
    const unswept = await replay.run([items]);
    expect(unswept.timersFired).toBe(0);
    const lastRecord = items.at(-1)!.transaction.eventTime;
    expect((await store.dueTimers(SCOPE, lastRecord, 10_000)).length).toBeGreaterThan(0);
  });

  it('a state rebuilt up to a committed offset continues as one pass: nothing counted or alerted twice, nothing different', async () => {
    const { items, profiles, customerIds } = partitionRecords();
    const oncePublished: string[] = [];
    const once = new MemoryStateStore();
    await replayInto(once, items, profiles, oncePublished);

    const committed = Math.floor(items.length * 0.6);
    const rebuilt = new MemoryStateStore();
    const rebuiltPublished: string[] = [];
    await replayInto(rebuilt, items.slice(0, committed), profiles, rebuiltPublished);
    const continuedPublished: string[] = [];
    // the records from the committed offset on, and a re-read of the last few before it (a crash before a commit)
    const summary = await replayInto(rebuilt, items.slice(committed - 20), null, continuedPublished);

    expect(summary.transactions.already_applied).toBe(20);
    expect(oncePublished.length).toBeGreaterThan(20);
    expect([...rebuiltPublished, ...continuedPublished]).toEqual(oncePublished);
    const decisive = async (store: MemoryStateStore) =>
      [...(await store.load(customerIds))].map(([customerId, { state }]) => {
        const { rev: _rev, ...rest } = state!;
        return [customerId, rest];
      });
    expect(await decisive(rebuilt)).toEqual(await decisive(once));
  });
});

/**
 * `tidewatch rebuild` of several partitions replays them together, in one event-time order, each record applied as
 * its own partition's (offsets, timer set): household members on different partitions are then complete whenever
 * their household is judged, so the alerts are those of one replay of everyone (issue 11: a rebuild partition after
 * partition left the members still to come out of their households' sums).
 */
describe('Replay of several partitions together (tidewatch rebuild)', { timeout: 120_000 }, () => {
  it('publishes what one replay of everyone publishes, each partition keeping its offsets, timers and counts', async () => {
    const { transactions, items, profiles, nextOffset } = threePartitionBank();
    const partitionOf = partitionOfThree;

    const alone: string[] = [];
    const one = new Replay({ core, store: new MemoryStateStore(), onAlert: (record) => void alone.push(JSON.stringify(record)) });
    await one.loadProfiles([profiles]);
    await one.run([transactions.map((transaction, index): TransactionItem => ({ kind: 'transaction', transaction, line: index + 1 }))]);

    const together: string[] = [];
    const store = new MemoryStateStore();
    const positions = [0, 1, 2].map((partition) => ({ partition, timerScope: `bank.transactions:${partition}` }));
    const merged = new Replay({ core, store, partitions: positions, onAlert: (record) => void together.push(JSON.stringify(record)) });
    await merged.loadProfiles([profiles]);
    const summary = await merged.run([items]);

    expect(alone.some((line) => line.includes('UPGRADE_ELIGIBLE') && line.includes('household'))).toBe(true);
    expect([...together].sort()).toEqual([...alone].sort());
    const customerIds = [...new Set(transactions.map((transaction) => transaction.customerId))];
    for (const [customerId, { state }] of await store.load(customerIds)) {
      expect(state!.partition).toBe(partitionOf(customerId));
      expect(state!.appliedOffset).toBeLessThan(nextOffset[partitionOf(customerId)]!);
    }
    for (const { partition, timerScope } of positions) expect((await store.dueTimers(timerScope, Number.POSITIVE_INFINITY, 10_000)).every((timer) => partitionOf(timer.customerId) === partition)).toBe(true);
    const counts = positions.map(({ partition }) => merged.countsOf(partition));
    expect(counts.every((count) => count.applied > 0)).toBe(true);
    expect(counts.reduce((sum, count) => sum + count.applied, 0)).toBe(summary.transactions.applied);
    expect(counts.reduce((sum, count) => sum + count.timersFired, 0)).toBe(summary.timersFired);
  });
});
