import { describe, expect, it } from 'vitest';
import { RETAINED_DAYS } from '../../../src/core/features.ts';
import { MAX_TIERS_PENDING } from '../../../src/core/household.ts';
import type { Emission } from '../../../src/core/state.ts';
import type { CustomerProfile } from '../../../src/domain/profile.ts';
import { DAY, Ledger, MemoryStore, czk, dayNo, pragueWinter, profile, seededState } from '../../support/core-fixtures.ts';

/**
 * The household's tiers of a day are judged once every member's partition has passed that day, and then as of that
 * day: a member whose partition lags (a backlog, an outage, a rebalance) delays the decision but does not change it.
 * A (c-1, 50,000) and B (c-2, 35,000) of household h-1 are together above GOLD's household floor of 80,000; A pays by
 * card every day, so its closes are judged daily; B's partition has passed `lag(day)` days less than it should.
 */
const plusDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const member = (customerId: string): CustomerProfile => profile({ customerId, householdId: 'h-1' });
const card = { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' } as const;

interface Bank {
  /** B's balance (A holds 50,000). */
  bHolds?: number;
  /** B receives this much on day 5. */
  bMovesIn?: number;
  /** B's second account, unseen until its first posting (an interest credit) on day `day`, held `opening` before it. */
  bOpens?: { day: number; opening: number };
  /** Days fed (one card payment of A a day). */
  days?: number;
}

function february(lag: (day: number) => number | undefined, bank: Bank = {}): { told: Array<{ on: string; emission: Emission }>; store: MemoryStore } {
  const { bHolds = czk(35_000), bMovesIn = 0, bOpens, days = 20 } = bank;
  const since = pragueWinter('2023-10-01');
  const store = new MemoryStore([member('c-1'), member('c-2')])
    .seed(seededState({ customerId: 'c-1', balances: { 'a-1': czk(50_000) }, since }))
    .seed(seededState({ customerId: 'c-2', balances: { 'b-1': bHolds }, since }));
  const a = new Ledger('c-1', { 'a-1': czk(50_000) });
  const b = new Ledger('c-2', { 'b-1': bHolds, 'b-2': bOpens?.opening ?? 0 });
  const told: Array<{ on: string; emission: Emission }> = [];
  for (let day = 0; day < days; day += 1) {
    const on = plusDays('2024-02-01', day);
    const behind = lag(day);
    store.passedDayOf = behind === undefined ? undefined : () => dayNo(on) - 1 - behind;
    told.push(...store.feed([a.debit(czk(200), pragueWinter(on, '10:00'), card)]).flat().map((emission) => ({ on, emission })));
    if (bMovesIn > 0 && day === 5) store.feed([b.credit(bMovesIn, pragueWinter(on, '11:00'), { counterpartyKind: 'OWN_ACCOUNT' })]);
    if (bOpens?.day === day) store.feed([b.interest(czk(1), pragueWinter(on, '11:00'), { accountId: 'b-2' })]);
  }
  return { told, store };
}

const tierAlerts = (told: ReadonlyArray<{ emission: Emission }>) =>
  told
    .filter(({ emission }) => emission.alert.kind === 'UPGRADE_ELIGIBLE' || emission.alert.kind === 'DOWNGRADE_RISK')
    .map(({ emission }) => ({ ...emission.alert, detectedAt: 0 }));

describe('household tiers wait for every member to pass the day (event-time watermark)', () => {
  it('a member whose partition has not passed the close holds the decision; judged later, it is the same alert', () => {
    const onTime = february(() => 0);
    expect(tierAlerts(onTime.told).map((alert) => alert.kind)).toEqual(['UPGRADE_ELIGIBLE']);
    expect(onTime.told.find(({ emission }) => emission.alert.kind === 'UPGRADE_ELIGIBLE')?.on).toBe('2024-02-01');

    // B's partition is three days behind for the first week, then catches up
    const lagging = february((day) => (day < 7 ? 3 : 0));
    expect(tierAlerts(lagging.told)).toEqual(tierAlerts(onTime.told));
    // the close of 31 Jan waits until B's partition has passed it: on 4 Feb (3 days behind)
    expect(lagging.told.find(({ emission }) => emission.alert.kind === 'UPGRADE_ELIGIBLE')?.on).toBe('2024-02-04');
    expect(lagging.store.state('c-1').tiersPending).toBeUndefined();
  });

  it('while a member lags, the days wait in order, bounded, and nothing is told', () => {
    const stuck = february(() => 30);
    expect(tierAlerts(stuck.told)).toEqual([]);
    const pending = stuck.store.state('c-1').tiersPending ?? [];
    expect(pending.length).toBeGreaterThan(10);
    expect(pending).toEqual([...pending].sort((left, right) => left - right));
  });

  it('a member that moves money in later: the decision as of the day does not see it', () => {
    // B receives 50,000 on day 5; judged late (after that), the days before it must still read B as it was then
    const onTime = february(() => 0, { bMovesIn: czk(50_000) });
    const late = february((day) => (day < 10 ? 9 : 0), { bMovesIn: czk(50_000) });
    expect(tierAlerts(late.told)).toEqual(tierAlerts(onTime.told));
  });

  it('a member that never moves: at most 90 days wait, and the flow buckets are kept back from the oldest of them', () => {
    const stuck = february(() => 200, { days: 100 });
    const state = stuck.store.state('c-1');
    const pending = state.tiersPending ?? [];
    const lastDay = dayNo(plusDays('2024-02-01', 99));
    expect(pending).toHaveLength(MAX_TIERS_PENDING);
    expect(pending.at(-1)).toBe(lastDay - 1);
    // the oldest waiting day, judged late, reads the 90 days before it as on time: nothing older is kept
    expect(state.days[0]?.[0]).toBeGreaterThanOrEqual(pending[0]! - (RETAINED_DAYS - 1));
    expect(state.days.some((bucket) => bucket[0]! < lastDay - (RETAINED_DAYS - 1))).toBe(true);
  });

  it('a member whose partition lags by more than 40 days: every waiting day is still judged, as on time', () => {
    // a backlog consumed partition by partition: B's partition 45 days behind for 50 days (the 40-day cap dropped
    // the oldest waiting days, so the upgrade of 31 Jan was told as of a later day, under another id)
    const onTime = february(() => 0, { days: 60 });
    const lagging = february((day) => (day < 50 ? 45 : 0), { days: 60 });
    expect(tierAlerts(onTime.told).map((alert) => alert.kind)).toEqual(['UPGRADE_ELIGIBLE']);
    expect(tierAlerts(lagging.told)).toEqual(tierAlerts(onTime.told));
    expect(lagging.store.state('c-1').tiersPending).toBeUndefined();
  });

  it('a member whose account is first seen after the judged day: judged late, the same decision as on time', () => {
    // A 50,000 and B 25,000 are below the household floor of 80,000 together; B's savings account (60,000) shows up
    // with its first posting on day 10. On time the household qualifies as of that day; judged late, B's state
    // already holds the account, whose opening balance the series walked back from today carried to every earlier day
    const bank: Bank = { bHolds: czk(25_000), bOpens: { day: 10, opening: czk(60_000) } };
    const onTime = february(() => 0, bank);
    const upgrade = onTime.told.filter(({ emission }) => emission.alert.kind === 'UPGRADE_ELIGIBLE');
    expect(upgrade.map(({ on }) => on)).toEqual(['2024-02-12']);
    expect(upgrade[0]?.emission.alert.reason).toContain('household');
    const late = february((day) => (day < 15 ? 12 : 0), bank);
    expect(tierAlerts(late.told)).toEqual(tierAlerts(onTime.told));
    expect(late.store.state('c-2').accountsOpened).toEqual({ 'b-2': [dayNo('2024-02-11'), czk(60_000)] });
  });

  it('without watermarks (a caller that tracks none) members count as complete, as before', () => {
    expect(tierAlerts(february(() => undefined).told)).toEqual(tierAlerts(february(() => 0).told));
  });
});
