import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutcomeCounts, Rejection, TransactionBatchResult, TransactionRecord } from '../../../src/core/processor.ts';
import type { CustomerState, Emission } from '../../../src/core/state.ts';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { categories, counterpartyKinds } from '../../../src/domain/transaction.ts';
import { DAY, DETECTED_AT, HOUR, Ledger, MemoryStore, czk, pragueWinter, profile, seededState } from '../../support/core-fixtures.ts';

/**
 * Random streams for three customers on one partition: c-1 (GOLD, consented, 500,000.00 held), c-2 (PLATINUM, no
 * RM, no consent, 3,000,000.00 held), c-3 (never seen, no profile). Amounts span "nothing to see" to "near-total
 * exit"; some postings are late (some too late), some are re-sent under the same transaction id, a few are in EUR.
 */
const CUSTOMERS = ['c-1', 'c-2', 'c-3'] as const;
const START = pragueWinter('2024-01-01', '08:00');

function freshStore(): MemoryStore {
  return new MemoryStore([
    profile({ customerId: 'c-1', servedTier: 'GOLD', marketingConsent: true }),
    profile({ customerId: 'c-2', servedTier: 'PLATINUM', rmId: null, marketingConsent: false }),
  ])
    .seed(seededState({ customerId: 'c-1', balances: { 'a-1': czk(500_000) }, since: pragueWinter('2023-10-01') }))
    .seed(seededState({ customerId: 'c-2', balances: { 'a-1': czk(2_000_000), 'a-2': czk(1_000_000) }, since: pragueWinter('2023-10-01') }));
}

const operation = fc.record({
  customer: fc.integer({ min: 0, max: CUSTOMERS.length - 1 }),
  account: fc.constantFrom('a-1', 'a-2'),
  direction: fc.constantFrom('DEBIT' as const, 'CREDIT' as const),
  amount: fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 0, max: czk(10_000) }) },
    { weight: 5, arbitrary: fc.integer({ min: czk(10_000), max: czk(200_000) }) },
    { weight: 1, arbitrary: fc.integer({ min: czk(200_000), max: czk(3_000_000) }) },
  ),
  // competitors often, so that window sums cross their thresholds and cooldowns come into play
  kind: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('OTHER_BANK' as const, 'INVESTMENT_PLATFORM' as const) }, { weight: 2, arbitrary: fc.constantFrom(...counterpartyKinds) }),
  category: fc.oneof({ weight: 3, arbitrary: fc.constant('TRANSFER' as const) }, { weight: 1, arbitrary: fc.constantFrom(...categories) }),
  system: fc.boolean(),
  /** How far this customer's clock moves on (hours), or, when negative, how late the posting is (hours; over 7 days is too late). */
  step: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 3 * 24 }) }, { weight: 1, arbitrary: fc.integer({ min: -10 * 24, max: -1 }) }),
  /** Now and then (one in ten) the record is a transaction sent before, again. */
  resend: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
  /** 0 (one in twenty): the posting is in EUR, which the CZK rules do not add up. */
  euro: fc.integer({ min: 0, max: 19 }),
});

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** Folds operations into records at offsets 0.. of partition 0, with running balances per customer and account. */
function streamOf(operations: readonly Operation[]): TransactionRecord[] {
  const ledgers = new Map<string, Ledger>([
    ['c-1', new Ledger('c-1', { 'a-1': czk(500_000) })],
    ['c-2', new Ledger('c-2', { 'a-1': czk(2_000_000), 'a-2': czk(1_000_000) })],
    ['c-3', new Ledger('c-3')],
  ]);
  const clocks = new Map<string, number>(CUSTOMERS.map((customer) => [customer, START]));
  const sent = new Map<string, Transaction[]>(CUSTOMERS.map((customer) => [customer, []]));
  const transactions = operations.map((op) => {
    const customerId = CUSTOMERS[op.customer]!;
    const previous = sent.get(customerId)!;
    // the same transaction again, one of the customer's latest 8 (the ones the state remembers by id)
    if (op.resend !== null && previous.length > 0) return { ...previous[previous.length - 1 - (op.resend % Math.min(8, previous.length))]! };
    const clock = clocks.get(customerId)!;
    const eventTime = clock + op.step * HOUR;
    if (op.step >= 0) clocks.set(customerId, eventTime);
    const ledger = ledgers.get(customerId)!;
    const extra = {
      accountId: op.account,
      counterpartyKind: op.kind,
      category: op.category,
      initiatedBy: op.system ? ('SYSTEM' as const) : ('CUSTOMER' as const),
      channel: op.system ? ('SYSTEM' as const) : ('ONLINE' as const),
      currency: op.euro === 0 ? 'EUR' : 'CZK',
    };
    const transaction = op.direction === 'CREDIT' ? ledger.credit(op.amount, eventTime, extra) : ledger.debit(op.amount, eventTime, extra);
    previous.push(transaction);
    return transaction;
  });
  return transactions.map((transaction, offset) => ({ transaction, position: { partition: 0, offset } }));
}

/** Cut points that split a stream of n records into non-empty chunks. */
const chunked = (records: readonly TransactionRecord[], cuts: readonly number[]) => {
  const bounds = [0, ...[...new Set(cuts.filter((cut) => cut > 0 && cut < records.length))].sort((a, b) => a - b), records.length];
  return bounds.slice(1).map((end, index) => records.slice(bounds[index], end));
};

const comparable = (state: CustomerState) => ({ ...state, rev: 0, outbox: [] });
const statesOf = (store: MemoryStore) => new Map([...store.states].map(([id, { state }]) => [id, comparable(state)]));
const sum = (results: readonly TransactionBatchResult[]): OutcomeCounts => {
  const total: OutcomeCounts = { applied: 0, already_applied: 0, duplicate: 0, too_late: 0, unsupported_currency: 0 };
  for (const result of results) for (const [outcome, count] of Object.entries(result.outcomes)) total[outcome as keyof OutcomeCounts] += count;
  return total;
};
const json = (emissions: readonly Emission[]) => JSON.stringify(emissions);

const streams = fc.array(operation, { minLength: 1, maxLength: 60 }).map(streamOf);

// real work (property tests over many generated histories): sized for a loaded 2-core CI machine, not vitest's 5 s
describe('processor properties over random streams', { timeout: 120_000 }, () => {
  it('a stream split into batches at any boundaries gives the same states, alerts, refusals and timers as one batch', () => {
    fc.assert(
      fc.property(streams, fc.array(fc.nat({ max: 60 }), { maxLength: 8 }), (records, cuts) => {
        const whole = freshStore();
        const once = whole.run(records, { firstOffset: 0 });

        const split = freshStore();
        const parts = chunked(records, cuts).map((chunk) => split.run(chunk)); // each chunk: the stored state fed back

        expect(json(parts.flatMap((part) => part.emissions))).toBe(json(once.emissions));
        // refusals come grouped by customer within a batch (their order is not promised): compare them by offset
        const byOffset = (rejections: readonly Rejection[]) => [...rejections].sort((left, right) => left.record.position.offset - right.record.position.offset);
        expect(byOffset(parts.flatMap((part) => part.rejected))).toEqual(byOffset(once.rejected));
        expect(sum(parts)).toEqual(once.outcomes);
        expect(statesOf(split)).toEqual(statesOf(whole));
        expect(split.timers).toEqual(whole.timers);
        // what the split run still keeps in its outboxes is a part of what the single batch keeps
        for (const [customerId, { state }] of split.states) {
          const kept = whole.state(customerId).outbox;
          for (const entry of state.outbox) expect(kept).toContainEqual(entry);
        }
        // and the single batch keeps exactly what it emitted, per customer, in order
        for (const customerId of CUSTOMERS) {
          if (!whole.states.has(customerId)) continue;
          const emitted = once.emissions.filter((emission) => emission.alert.customerId === customerId);
          expect(json(whole.state(customerId).outbox.flatMap((entry) => entry.emissions))).toBe(json(emitted));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('processing the same stream again from offset 0 writes nothing and re-sends exactly the stored alerts', () => {
    fc.assert(
      fc.property(streams, fc.array(fc.nat({ max: 60 }), { maxLength: 4 }), (records, cuts) => {
        for (const batches of [[records], chunked(records, cuts)]) {
          const store = freshStore();
          for (const batch of batches) store.run(batch);
          const stored = structuredClone([...store.states]);
          const owed = [...store.states.values()].flatMap(({ state }) => state.outbox.map((entry) => ({ entry, customerId: state.customerId })));

          const replay = store.run(records, { firstOffset: 0, detectedAt: DETECTED_AT + DAY });
          expect(replay.writes).toEqual([]);
          expect(replay.timers).toEqual([]);
          expect(replay.rejected).toEqual([]);
          expect(replay.outcomes).toEqual({ applied: 0, already_applied: records.length, duplicate: 0, too_late: 0, unsupported_currency: 0 });
          expect([...store.states]).toEqual(stored);
          // every outbox entry, in offset order: the stored records, not recomputed ones (detectedAt is the old one)
          const expected = owed
            .map(({ entry }) => entry)
            .filter((entry) => entry.cause.kind === 'offset')
            .sort((left, right) => (left.cause.kind === 'offset' && right.cause.kind === 'offset' ? left.cause.offset - right.cause.offset : 0))
            .flatMap((entry) => entry.emissions);
          expect(json(replay.emissions)).toBe(json(expected));
        }
      }),
      { numRuns: 100 },
    );
  });

  // The day-close detectors (tiers, churn score, RFM, idle funds) run on the first posting of a day or when a timer
  // wakes the customer, so how the timer loop interleaves with the batches decides which closes are judged and by
  // whom; it must never change what the per-transaction detectors tell, nor tell anything twice.
  it('timer sweeps between the batches leave the transaction detectors’ alerts as they are and tell nothing twice', () => {
    const perTransaction = ['LARGE_OUTFLOW', 'CUMULATIVE_OUTFLOW', 'LEAKAGE', 'LARGE_INFLOW', 'CUMULATIVE_INFLOW'];
    fc.assert(
      fc.property(streams, fc.array(fc.nat({ max: 60 }), { maxLength: 8 }), fc.array(fc.nat({ max: 48 }), { minLength: 8, maxLength: 8 }), (records, cuts, lags) => {
        const once = freshStore().run(records, { firstOffset: 0 });

        const swept = freshStore();
        const emitted: Emission[] = [];
        chunked(records, cuts).forEach((chunk, index) => {
          // the timer loop runs first, some hours after the latest posting seen so far (wall clock ≥ event time)
          const seen = Math.max(START, ...[...swept.states.values()].map(({ state }) => state.streamTime));
          emitted.push(...swept.sweep(seen + (lags[index % lags.length] ?? 0) * HOUR).emissions);
          emitted.push(...swept.run(chunk).emissions);
        });
        const told = (emissions: readonly Emission[]) => emissions.filter((emission) => perTransaction.includes(emission.alert.kind));
        expect(json(told(emitted))).toBe(json(told(once.emissions)));
        const ids = emitted.map((emission) => emission.alert.alertId);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 100 },
    );
  });

  it('every alert id is unique within a run, and every emission goes somewhere', () => {
    fc.assert(
      fc.property(streams, (records) => {
        const result = freshStore().run(records);
        const ids = result.emissions.map((emission) => emission.alert.alertId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const { alert, feeds } of result.emissions) {
          expect(feeds.length).toBeGreaterThan(0);
          if (feeds.includes('campaign')) expect(alert.customerId).toBe('c-1'); // the only consented customer
          expect(alert.queue).toBe(alert.customerId === 'c-1' ? 'rm-1' : 'rm-unassigned');
        }
      }),
      { numRuns: 100 },
    );
  });
});
