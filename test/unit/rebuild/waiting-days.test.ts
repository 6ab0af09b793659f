import { describe, expect, it } from 'vitest';
import type { CoreContext } from '../../../src/core/processor.ts';
import type { Alert } from '../../../src/domain/alert.ts';
import { handOverWaitingDays, rebuildCore } from '../../../src/rebuild/waiting-days.ts';
import { Replay } from '../../../src/replay/engine.ts';
import type { PublishedRecord, TransactionItem } from '../../../src/replay/records.ts';
import { MemoryStateStore } from '../../../src/state/memory-store.ts';
import { core, partitionOfThree, threePartitionBank } from '../replay/fixtures.ts';

const positions = [0, 1, 2].map((partition) => ({ partition, timerScope: `bank.transactions:${partition}` }));
const scopes = new Map(positions.map(({ partition, timerScope }) => [partition, timerScope]));
const partitionOf = partitionOfThree;

/** A generated bank's postings on three co-partitioned partitions, with the customers in a household. */
function bank() {
  const { generated, items, profiles } = threePartitionBank();
  const householders = generated.profiles().flatMap((profile) => (profile.householdId === null ? [] : [profile.customerId]));
  return { items, profiles, householders };
}

/** Per alert id, its records (feed and content, detection time aside: a re-told alert is detected again). */
const contentOf = (record: PublishedRecord) => JSON.stringify({ ...record, alert: { ...record.alert, detectedAt: 0 } });
const alertIdOf = (record: PublishedRecord) => ('alertId' in record.alert ? record.alert.alertId : record.alert.opportunityId);

async function replay(store: MemoryStateStore, context: CoreContext, items: readonly TransactionItem[], profiles: ReturnType<typeof bank>['profiles'] | null) {
  const published: PublishedRecord[] = [];
  const engine = new Replay({ core: context, store, partitions: positions, onAlert: (record) => void published.push(record) });
  if (profiles !== null) await engine.loadProfiles([profiles]);
  await engine.run([items]);
  return published;
}

/**
 * The live service judges a household's tiers of a day once every member's partition has passed it, as its stored
 * watermarks said at the batch: at the loss, a day it had closed may still be waiting (chaos suite, rebuild lane: one
 * household's upgrade). The rebuild cannot know which (batch boundaries are not in the topics), so it leaves the last
 * days waiting, and the restarted service tells them.
 */
describe('household tier days waiting at the resume point (tidewatch rebuild)', { timeout: 120_000 }, () => {
  it('a household day judged just before the committed offset is told after the rebuild, as one pass tells it', async () => {
    const { items, profiles, householders } = bank();
    const once = await replay(new MemoryStateStore(), core, items, profiles);
    const upgrade = once.find((record): record is PublishedRecord & { alert: Alert } => record.feed === 'rm' && record.alert.kind === 'UPGRADE_ELIGIBLE' && record.alert.reason.includes('household'));
    expect(upgrade).toBeDefined();
    // the service had closed the day, but a member's partition had not passed it yet: the committed offset is the
    // first record after the decision (detected at stream time)
    const committed = items.findIndex((item) => item.transaction.eventTime > upgrade!.alert.detectedAt);
    expect(committed).toBeGreaterThan(0);

    const store = new MemoryStateStore();
    const withheld = await replay(store, rebuildCore(core), items.slice(0, committed), profiles);
    const waiting = await handOverWaitingDays(store, householders, scopes, core);
    const waitingState = (await store.load([upgrade!.alert.customerId])).get(upgrade!.alert.customerId)!.state!;
    expect(waitingState.tiersPending ?? []).toContain(core.calendar.dayOf(upgrade!.alert.eventTime));
    expect([...waiting.values()].reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    // looked at again at the restarted service's next sweep, not after the replay's lag
    const [timer] = (await store.dueTimers(scopes.get(partitionOf(upgrade!.alert.customerId))!, Number.POSITIVE_INFINITY, 100_000)).filter((due) => due.customerId === upgrade!.alert.customerId);
    expect(timer!.due).toBeLessThanOrEqual(core.calendar.startOf(core.calendar.dayOf(upgrade!.alert.eventTime) + 2));

    const continued = await replay(store, core, items.slice(committed), null);
    expect(withheld.map(alertIdOf)).not.toContain(upgrade!.alert.alertId);
    expect(continued.filter((record) => alertIdOf(record) === upgrade!.alert.alertId).map(contentOf)).toEqual(
      once.filter((record) => alertIdOf(record) === upgrade!.alert.alertId).map(contentOf),
    );
    // nothing lost; what is told again is the same alert (same id, same content)
    const told = new Set([...withheld, ...continued].map(contentOf));
    expect(once.map(contentOf).filter((content) => !told.has(content))).toEqual([]);
    const onceContent = new Set(once.map(contentOf));
    expect(continued.map(contentOf).filter((content) => !onceContent.has(content))).toEqual([]);
  });

  it('without the lag, the rebuild judges that day at once, withholds it as published, and it is never told', async () => {
    const { items, profiles } = bank();
    const once = await replay(new MemoryStateStore(), core, items, profiles);
    const upgrade = once.find((record) => record.feed === 'rm' && record.alert.kind === 'UPGRADE_ELIGIBLE' && 'reason' in record.alert && record.alert.reason.includes('household'))!;
    const committed = items.findIndex((item) => item.transaction.eventTime > upgrade.alert.detectedAt);
    const store = new MemoryStateStore();
    const withheld = await replay(store, core, items.slice(0, committed), profiles);
    const continued = await replay(store, core, items.slice(committed), null);
    expect(withheld.map(alertIdOf)).toContain(alertIdOf(upgrade));
    expect(continued.map(alertIdOf)).not.toContain(alertIdOf(upgrade));
  });
});
