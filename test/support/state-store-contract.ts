import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerState } from '../../src/core/state.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { CustomerProfile } from '../../src/domain/profile.ts';
import { PartitionFencedError } from '../../src/state/store.ts';
import type { StateStore } from '../../src/state/store.ts';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2025, 6, 31, 12, 0);

/** A small valid state; override what the test is about. */
export function customerState(customerId: string, overrides: Partial<CustomerState> = {}): CustomerState {
  return {
    v: 1,
    customerId,
    rev: 1,
    partition: 3,
    appliedOffset: 41,
    seenTransactions: [[20_299, 4_000_000_001], [20_300, 17, 2_000_000_000]],
    firstSeenAt: NOW - 400 * DAY_MS,
    streamTime: NOW,
    lastActivityAt: NOW - DAY_MS,
    accounts: { 'acc-1': [1_250_000, NOW - DAY_MS] },
    balanceMismatches: 2,
    days: [[20_300, 1, 125_000, 4, 89_000]],
    dormancy: { since: 0, stage: 0 },
    cooldowns: {},
    evaluatedDay: 20_299,
    upgradeTold: null,
    downgradeTold: 'GOLD',
    churn: { since: 20_280, toldScore: 64 },
    rfm: { segment: 'IMPORTANT_RETAIN', slidFrom: 'IMPORTANT_VALUE', slidOn: 20_270 },
    regularIncome: [20_290, 7],
    lastInvestmentAt: null,
    watchUntil: NOW + 30 * DAY_MS,
    suppressed: { IDLE_FUNDS: NOW + 60 * DAY_MS },
    products: { applied: [3, 12], maturities: [['td-7', 20_310, 30_000_000, 'TIME_DEPOSIT', false, NOW - 2 * DAY_MS]] },
    outbox: [],
    ...overrides,
  };
}

/**
 * What a long-standing customer looks like after 45 active days: two accounts, a flow bucket per day with amounts
 * of the order of 125000 minor units, a few cooldowns, the fingerprints of two transaction ids a day over the
 * lateness window's 8 days, empty outbox.
 * Amounts come from a fixed pseudo-random sequence, so the value (and its size) is the same on every run.
 */
export function realisticCustomerState(customerId: string): CustomerState {
  let seed = 20_250_731;
  const next = (range: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor((seed / 2_147_483_648) * range);
  };
  const days: number[][] = [];
  let day = 20_250;
  for (let index = 0; index < 45; index += 1) {
    day += 1 + next(2);
    days.push([day, 1 + next(3), 25_000 + next(200_000), 4 + next(3), 25_000 + next(200_000)]);
  }
  const lastDay = days[days.length - 1]![0]!;
  const seenTransactions = days
    .filter(([bucketDay]) => bucketDay! >= lastDay - 7)
    .map(([bucketDay]) => [bucketDay!, ...[next(2 ** 31) * 2, next(2 ** 31) * 2 + 1].sort((a, b) => a - b)]);
  return customerState(customerId, {
    rev: 4_821,
    partition: 7,
    appliedOffset: 18_345_221,
    // a customer whose tier is not at risk and whose bank stamps balances consistently, as most are
    downgradeTold: null,
    balanceMismatches: 0,
    seenTransactions,
    firstSeenAt: NOW - 900 * DAY_MS,
    streamTime: NOW,
    lastActivityAt: NOW - 2 * DAY_MS,
    accounts: { 'ACC-0001': [1_250_000, NOW - 2 * DAY_MS], 'ACC-0002': [3_250_000, NOW - 40 * DAY_MS] },
    days,
    dormancy: { since: NOW - 2 * DAY_MS, stage: 0 },
    cooldowns: { LARGE_OUTFLOW: [NOW + 7 * DAY_MS, 1], CUMULATIVE_OUTFLOW: [NOW + 14 * DAY_MS, 2], DORMANCY: [NOW, 0] },
    outbox: [],
  });
}

export function customerProfile(customerId: string, overrides: Partial<CustomerProfile> = {}): CustomerProfile {
  return {
    customerId,
    rmId: 'rm-7',
    branchId: 'br-1',
    householdId: null,
    servedTier: 'GOLD',
    riskAppetite: 'MEDIUM',
    marketingConsent: true,
    relationshipStartDay: 12_000,
    status: 'ACTIVE',
    updatedAt: NOW,
    rmStatus: 'ACTIVE',
    ...overrides,
  };
}

function alert(customerId: string): Alert {
  return {
    alertId: 'al-1',
    kind: 'LARGE_OUTFLOW',
    priority: 'HIGH',
    customerId,
    rmId: null,
    queue: 'unassigned',
    branchId: 'br-1',
    tier: null,
    reason: 'Sent 1 500 000 CZK to another bank — žluťoučký kůň',
    suggestedAction: 'Call the customer',
    evidence: [{ metric: 'outflow', unit: 'MINOR_UNITS', value: 150_000_000, threshold: 100_000_000, baseline: null }],
    currency: 'CZK',
    amountAtStakeMinor: 150_000_000,
    counterpartyKind: 'OTHER_BANK',
    toCompetitor: true,
    causeTransactionId: 't-9',
    rulesVersion: 'r-1',
    eventTime: NOW,
    detectedAt: NOW + 1_234,
  };
}

/** Accounts as a CustomerState holds them: ids in any script, balances of any size and sign. */
const accountsValue = fc.dictionary(
  fc.string({ unit: 'grapheme', maxLength: 12 }).filter((id) => id !== '__proto__'),
  fc.tuple(fc.maxSafeInteger(), fc.maxSafeInteger()),
  { maxKeys: 6 },
);

/**
 * The behaviour every StateStore must show, whatever keeps the data. `open` gives a fresh, empty store per test
 * (closed afterwards).
 */
export function stateStoreContract(
  open: () => StateStore | Promise<StateStore>,
  /** householdRounds: a Redis Cluster reads member sets, then members (other slots): 2; else 1. */
  options: { copies?: boolean; householdRounds?: number } = {},
): void {
  let store: StateStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  describe('load', () => {
    it('answers every customer asked for, unknown ones with revision 0 and nothing else', async () => {
      const loaded = await store.load(['c-1', 'c-2', 'c-1']);
      expect([...loaded.entries()]).toEqual([
        ['c-1', { rev: 0, state: undefined, profile: undefined }],
        ['c-2', { rev: 0, state: undefined, profile: undefined }],
      ]);
    });
  });

  describe('conditional writes', () => {
    it('store a new customer and give it back equal, at its revision', async () => {
      const state = customerState('c-1', { outbox: [{ cause: { kind: 'offset', offset: 41 }, emissions: [{ alert: alert('c-1'), feeds: ['rm', 'risk'] }] }] });
      expect(await store.commit([{ customerId: 'c-1', expectedRev: 0, state }], [])).toEqual({ conflicts: [] });
      const loaded = (await store.load(['c-1'])).get('c-1');
      expect(loaded).toEqual({ rev: 1, state, profile: undefined });
    });

    it('round-trip a realistic state, and any plain values in it, exactly', async () => {
      const realistic = realisticCustomerState('c-1');
      await store.commit([{ customerId: 'c-1', expectedRev: 0, state: realistic }], []);
      expect((await store.load(['c-1'])).get('c-1')?.state).toEqual(realistic);

      let rev = realistic.rev;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(fc.maxSafeInteger(), { maxLength: 9 }), { maxLength: 60 }), accountsValue, async (days, accounts) => {
          const state = customerState('c-1', { rev: rev + 1, days, accounts });
          expect(await store.commit([{ customerId: 'c-1', expectedRev: rev, state }], [])).toEqual({ conflicts: [] });
          rev += 1;
          expect((await store.load(['c-1'])).get('c-1')).toEqual({ rev, state, profile: undefined });
        }),
        { numRuns: 40 },
      );
    });

    it('advance revision by revision', async () => {
      await store.commit([{ customerId: 'c-1', expectedRev: 0, state: customerState('c-1', { rev: 1 }) }], []);
      const second = customerState('c-1', { rev: 2, appliedOffset: 42 });
      expect(await store.commit([{ customerId: 'c-1', expectedRev: 1, state: second }], [])).toEqual({ conflicts: [] });
      expect((await store.load(['c-1'])).get('c-1')).toMatchObject({ rev: 2, state: second });
    });

    it('refuse a write read at a revision that is no longer current, and keep the newer state', async () => {
      const current = customerState('c-1', { rev: 2, appliedOffset: 50 });
      await store.commit([{ customerId: 'c-1', expectedRev: 0, state: current }], []);
      const stale = customerState('c-1', { rev: 2, appliedOffset: 45 });
      expect(await store.commit([{ customerId: 'c-1', expectedRev: 1, state: stale }], [])).toEqual({ conflicts: ['c-1'] });
      expect((await store.load(['c-1'])).get('c-1')).toMatchObject({ rev: 2, state: current });
    });

    it('refuse to create a customer that another writer created first', async () => {
      const first = customerState('c-1', { rev: 1, appliedOffset: 7 });
      await store.commit([{ customerId: 'c-1', expectedRev: 0, state: first }], []);
      const second = customerState('c-1', { rev: 1, appliedOffset: 8 });
      expect(await store.commit([{ customerId: 'c-1', expectedRev: 0, state: second }], [])).toEqual({ conflicts: ['c-1'] });
      expect((await store.load(['c-1'])).get('c-1')).toMatchObject({ rev: 1, state: first });
    });

    it('refuse an update of a customer that is not stored (expired or erased meanwhile)', async () => {
      const update = customerState('c-1', { rev: 4 });
      expect(await store.commit([{ customerId: 'c-1', expectedRev: 3, state: update }], [])).toEqual({ conflicts: ['c-1'] });
      expect((await store.load(['c-1'])).get('c-1')).toEqual({ rev: 0, state: undefined, profile: undefined });
    });

    it('decide each write of a batch on its own', async () => {
      await store.commit([{ customerId: 'c-2', expectedRev: 0, state: customerState('c-2', { rev: 5 }) }], []);
      const result = await store.commit(
        [
          { customerId: 'c-1', expectedRev: 0, state: customerState('c-1', { rev: 1 }) },
          { customerId: 'c-2', expectedRev: 4, state: customerState('c-2', { rev: 6 }) },
          { customerId: 'c-3', expectedRev: 0, state: customerState('c-3', { rev: 1 }) },
        ],
        [],
      );
      expect(result).toEqual({ conflicts: ['c-2'] });
      const loaded = await store.load(['c-1', 'c-2', 'c-3']);
      expect([...loaded.values()].map((customer) => customer.rev)).toEqual([1, 5, 1]);
    });

    // a store without copies (MemoryStateStore for a replay) hands out what it holds, on purpose
    if (options.copies !== false) it('keep their own copies: changing a written or a loaded state afterwards changes nothing stored', async () => {
      const state = customerState('c-1');
      await store.commit([{ customerId: 'c-1', expectedRev: 0, state }], []);
      state.days.push([20_301, 1, 1]);
      const loaded = (await store.load(['c-1'])).get('c-1')?.state;
      expect(loaded?.days).toEqual([[20_300, 1, 125_000, 4, 89_000]]);
      loaded?.days.push([20_302, 1, 1]);
      expect((await store.load(['c-1'])).get('c-1')?.state?.days).toHaveLength(1);
    });

    it('are refused outright, before anything is sent, when the revision would not move forward', async () => {
      const before = store.roundTrips;
      await expect(store.commit([{ customerId: 'c-1', expectedRev: 1, state: customerState('c-1', { rev: 1 }) }], [])).rejects.toThrow(
        /state\.rev 1 must be an integer above expectedRev 1/,
      );
      await expect(store.commit([{ customerId: 'c-1', expectedRev: 0, state: customerState('c-2') }], [])).rejects.toThrow(
        /carries the state of c-2/,
      );
      expect(store.roundTrips).toBe(before);
    });
  });

  describe('timers', () => {
    const scope = 'orders-0';

    it('are listed due first, ties by customerId, up to and including upTo, at most limit of them', async () => {
      await store.commit(
        [],
        [
          { scope, customerId: 'c-3', due: 300 },
          { scope, customerId: 'c-2', due: 100 },
          { scope, customerId: 'c-1', due: 100 },
          { scope, customerId: 'c-4', due: 400 },
          { scope: 'orders-1', customerId: 'c-9', due: 1 },
        ],
      );
      expect(await store.dueTimers(scope, 300, 10)).toEqual([
        { customerId: 'c-1', due: 100 },
        { customerId: 'c-2', due: 100 },
        { customerId: 'c-3', due: 300 },
      ]);
      expect(await store.dueTimers(scope, 300, 2)).toEqual([
        { customerId: 'c-1', due: 100 },
        { customerId: 'c-2', due: 100 },
      ]);
      expect(await store.dueTimers(scope, 99, 10)).toEqual([]);
      expect(await store.dueTimers('orders-2', 1_000, 10)).toEqual([]);
      // Listing does not consume them.
      expect(await store.dueTimers(scope, Infinity, 10)).toHaveLength(4);
    });

    it('move when set again and go when cancelled', async () => {
      await store.commit([], [
        { scope, customerId: 'c-1', due: NOW },
        { scope, customerId: 'c-2', due: NOW + 1 },
      ]);
      await store.commit([], [
        { scope, customerId: 'c-1', due: NOW + 5 },
        { scope, customerId: 'c-2', due: null },
        { scope, customerId: 'c-never-set', due: null },
      ]);
      expect(await store.dueTimers(scope, NOW + 10, 10)).toEqual([{ customerId: 'c-1', due: NOW + 5 }]);
      await store.commit([], [{ scope, customerId: 'c-1', due: NOW }]);
      expect(await store.dueTimers(scope, NOW + 10, 10)).toEqual([{ customerId: 'c-1', due: NOW }]);
    });

    it('agree with a plain model over any sequence of changes', async () => {
      const change = fc.record({ customerId: fc.constantFrom('a', 'b', 'c', 'd', 'e'), due: fc.option(fc.integer({ min: 0, max: 20 })) });
      const query = fc.record({ upTo: fc.integer({ min: -1, max: 21 }), limit: fc.integer({ min: 0, max: 6 }) });
      let round = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(change, { maxLength: 6 }), { maxLength: 8 }), query, async (batches, { upTo, limit }) => {
          const roundScope = `model-${(round += 1)}`;
          const model = new Map<string, number>();
          for (const batch of batches) {
            await store.commit([], batch.map((timer) => ({ scope: roundScope, ...timer })));
            for (const { customerId, due } of batch) {
              if (due === null) model.delete(customerId);
              else model.set(customerId, due);
            }
          }
          const expected = [...model.entries()]
            .map(([customerId, due]) => ({ customerId, due }))
            .filter((timer) => timer.due <= upTo)
            .sort((a, b) => a.due - b.due || (a.customerId < b.customerId ? -1 : 1))
            .slice(0, limit);
          expect(await store.dueTimers(roundScope, upTo, limit)).toEqual(expected);
        }),
        { numRuns: 40 },
      );
    });

    it('change along with the writes of the same commit', async () => {
      const result = await store.commit(
        [{ customerId: 'c-1', expectedRev: 0, state: customerState('c-1') }],
        [{ scope, customerId: 'c-1', due: NOW }],
      );
      expect(result).toEqual({ conflicts: [] });
      expect(await store.dueTimers(scope, NOW, 10)).toEqual([{ customerId: 'c-1', due: NOW }]);
    });
  });

  describe('profiles', () => {
    it('are stored, replaced and given back with the state', async () => {
      await store.putProfiles([{ customerId: 'c-1', profile: customerProfile('c-1') }]);
      const moved = customerProfile('c-1', { rmId: 'rm-8', updatedAt: NOW + 1 });
      await store.putProfiles([{ customerId: 'c-1', profile: moved }]);
      await store.commit([{ customerId: 'c-1', expectedRev: 0, state: customerState('c-1') }], []);
      expect((await store.load(['c-1'])).get('c-1')).toEqual({ rev: 1, state: customerState('c-1'), profile: moved });
    });

    it('are refused when they do not match the schema, before any of the batch is stored', async () => {
      const invalid = { ...customerProfile('c-2'), riskAppetite: 'RECKLESS' } as unknown as CustomerProfile;
      await expect(
        store.putProfiles([
          { customerId: 'c-1', profile: customerProfile('c-1') },
          { customerId: 'c-2', profile: invalid },
        ]),
      ).rejects.toThrow();
      expect((await store.load(['c-1'])).get('c-1')?.profile).toBeUndefined();
    });

    it('deleted (an erasure) take the customer state with them, and only that customer', async () => {
      await store.putProfiles([
        { customerId: 'c-1', profile: customerProfile('c-1') },
        { customerId: 'c-2', profile: customerProfile('c-2') },
      ]);
      await store.commit(
        [
          { customerId: 'c-1', expectedRev: 0, state: customerState('c-1') },
          { customerId: 'c-2', expectedRev: 0, state: customerState('c-2') },
        ],
        [],
      );
      await store.putProfiles([
        { customerId: 'c-1', profile: null },
        { customerId: 'c-never-seen', profile: null },
      ]);
      const loaded = await store.load(['c-1', 'c-2']);
      expect(loaded.get('c-1')).toEqual({ rev: 0, state: undefined, profile: undefined });
      expect(loaded.get('c-2')).toMatchObject({ rev: 1, profile: customerProfile('c-2') });
      // A writer that read the erased customer before the erasure is refused.
      expect(await store.commit([{ customerId: 'c-1', expectedRev: 1, state: customerState('c-1', { rev: 2 }) }], [])).toEqual({
        conflicts: ['c-1'],
      });
    });
  });

  describe('households', () => {
    it('list the customers whose profile names the household, with state and profile, by customer id', async () => {
      await store.putProfiles([
        { customerId: 'c-2', profile: customerProfile('c-2', { householdId: 'h-1' }) },
        { customerId: 'c-1', profile: customerProfile('c-1', { householdId: 'h-1' }) },
        { customerId: 'c-3', profile: customerProfile('c-3', { householdId: 'h-2' }) },
        { customerId: 'c-4', profile: customerProfile('c-4') },
      ]);
      await store.commit([{ customerId: 'c-1', expectedRev: 0, state: customerState('c-1') }], []);
      const households = await store.loadHouseholds(['h-1', 'h-2', 'h-unknown']);
      expect(households.get('h-1')).toEqual([
        { customerId: 'c-1', state: customerState('c-1'), profile: customerProfile('c-1', { householdId: 'h-1' }) },
        { customerId: 'c-2', state: undefined, profile: customerProfile('c-2', { householdId: 'h-1' }) },
      ]);
      expect(households.get('h-2')?.map((member) => member.customerId)).toEqual(['c-3']);
      expect(households.get('h-unknown')).toEqual([]);
    });

    it('follow a member who moves to another household or is erased', async () => {
      await store.putProfiles([
        { customerId: 'c-1', profile: customerProfile('c-1', { householdId: 'h-1' }) },
        { customerId: 'c-2', profile: customerProfile('c-2', { householdId: 'h-1' }) },
        { customerId: 'c-3', profile: customerProfile('c-3', { householdId: 'h-1' }) },
      ]);
      await store.putProfiles([
        { customerId: 'c-2', profile: customerProfile('c-2', { householdId: 'h-2', updatedAt: NOW + 1 }) },
        { customerId: 'c-3', profile: null },
      ]);
      for (let read = 0; read < 2; read += 1) {
        const households = await store.loadHouseholds(['h-1', 'h-2']);
        expect(households.get('h-1')?.map((member) => member.customerId)).toEqual(['c-1']);
        expect(households.get('h-2')?.map((member) => member.customerId)).toEqual(['c-2']);
      }
    });

    it('list a member who joins after a read, and one who moves away and back, in customer id order', async () => {
      await store.putProfiles([
        { customerId: 'c-3', profile: customerProfile('c-3', { householdId: 'h-1' }) },
        { customerId: 'c-5', profile: customerProfile('c-5', { householdId: 'h-1' }) },
      ]);
      const ids = async () => (await store.loadHouseholds(['h-1'])).get('h-1')?.map((member) => member.customerId);
      expect(await ids()).toEqual(['c-3', 'c-5']);
      await store.putProfiles([{ customerId: 'c-4', profile: customerProfile('c-4', { householdId: 'h-1' }) }]);
      expect(await ids()).toEqual(['c-3', 'c-4', 'c-5']);
      await store.putProfiles([{ customerId: 'c-3', profile: customerProfile('c-3', { householdId: 'h-2', updatedAt: NOW + 1 }) }]);
      expect(await ids()).toEqual(['c-4', 'c-5']);
      await store.putProfiles([{ customerId: 'c-3', profile: customerProfile('c-3', { householdId: 'h-1', updatedAt: NOW + 2 }) }]);
      expect(await ids()).toEqual(['c-3', 'c-4', 'c-5']);
    });

    it('cost nothing when none is asked for, and a fixed number of round trips for any number of households', async () => {
      expect(await store.loadHouseholds([])).toEqual(new Map());
      expect(store.roundTrips).toBe(0);
      const ids = Array.from({ length: 40 }, (_, index) => `c-${index}`);
      await store.putProfiles(ids.map((id, index) => ({ customerId: id, profile: customerProfile(id, { householdId: `h-${index % 20}` }) })));
      const before = store.roundTrips;
      const households = await store.loadHouseholds(Array.from({ length: 20 }, (_, index) => `h-${index}`));
      expect([...households.values()].map((members) => members.length)).toEqual(Array.from({ length: 20 }, () => 2));
      expect(store.roundTrips - before).toBe(options.householdRounds ?? 1);
    });
  });

  describe('partition ownership (fencing)', () => {
    it('raise the generation on every claim, and say whether the claimant’s previous one still stood', async () => {
      const [first] = await store.claimPartitions([{ scope: 'orders-0', previous: undefined }]);
      expect(first).toEqual({ scope: 'orders-0', generation: 1, kept: false });
      const [again] = await store.claimPartitions([{ scope: 'orders-0', previous: 1 }]);
      expect(again).toEqual({ scope: 'orders-0', generation: 2, kept: true });
      // another instance takes it (generation 3): the holder of 2 learns it was not kept when it claims again
      await store.claimPartitions([{ scope: 'orders-0', previous: undefined }]);
      const [back, other] = await store.claimPartitions([
        { scope: 'orders-0', previous: 2 },
        { scope: 'orders-1', previous: 7 },
      ]);
      expect(back).toEqual({ scope: 'orders-0', generation: 4, kept: false });
      expect(other).toEqual({ scope: 'orders-1', generation: 1, kept: false });
    });

    it('write under the current generation, refuse every state write of an older one (a zombie) and keep the newer owner’s', async () => {
      const [old] = await store.claimPartitions([{ scope: 'orders-0', previous: undefined }]);
      const owned = customerState('c-1', { rev: 1, appliedOffset: 10 });
      expect(await store.commit([{ customerId: 'c-1', expectedRev: 0, state: owned }], [], [], [old!])).toEqual({ conflicts: [] });
      const [taken] = await store.claimPartitions([{ scope: 'orders-0', previous: undefined }]);
      const newer = customerState('c-1', { rev: 2, appliedOffset: 20 });
      expect(await store.commit([{ customerId: 'c-1', expectedRev: 1, state: newer }], [], [], [taken!])).toEqual({ conflicts: [] });
      // the zombie read c-1 before the take-over (revision 1) and a customer nobody wrote since: both refused
      const stale = customerState('c-1', { rev: 2, appliedOffset: 15 });
      const fresh = customerState('c-2', { rev: 1 });
      const zombie = store.commit([{ customerId: 'c-2', expectedRev: 0, state: fresh }, { customerId: 'c-1', expectedRev: 1, state: stale }], [], [], [old!]);
      await expect(zombie).rejects.toBeInstanceOf(PartitionFencedError);
      await expect(zombie).rejects.toMatchObject({ scopes: ['orders-0'] });
      const loaded = await store.load(['c-1', 'c-2']);
      expect(loaded.get('c-1')).toMatchObject({ rev: 2, state: newer });
      expect(loaded.get('c-2')).toMatchObject({ rev: 0, state: undefined });
    });

    it('refuse a write fenced by a partition nobody has claimed (its generation gone, as after a flush)', async () => {
      const write = store.commit([{ customerId: 'c-1', expectedRev: 0, state: customerState('c-1') }], [], [], [{ scope: 'orders-9', generation: 3 }]);
      await expect(write).rejects.toBeInstanceOf(PartitionFencedError);
      expect((await store.load(['c-1'])).get('c-1')?.rev).toBe(0);
    });
  });

  describe('round trips', () => {
    it('cost nothing for empty input', async () => {
      await store.load([]);
      await store.commit([], []);
      await store.putProfiles([]);
      expect(await store.dueTimers('orders-0', NOW, 0)).toEqual([]);
      expect(store.roundTrips).toBe(0);
    });

    it('count one per call, however many customers it carries', async () => {
      const ids = Array.from({ length: 250 }, (_, index) => `c-${index}`);
      await store.putProfiles(ids.map((id) => ({ customerId: id, profile: customerProfile(id) })));
      expect(store.roundTrips).toBe(1);
      const loaded = await store.load(ids);
      expect(loaded.size).toBe(250);
      expect(store.roundTrips).toBe(2);
      await store.commit(
        ids.map((id) => ({ customerId: id, expectedRev: 0, state: customerState(id) })),
        ids.map((id, index) => ({ scope: 'orders-0', customerId: id, due: NOW + index })),
      );
      expect(store.roundTrips).toBe(3);
      expect(await store.dueTimers('orders-0', Infinity, 500)).toHaveLength(250);
      expect(store.roundTrips).toBe(4);
    });
  });
}
