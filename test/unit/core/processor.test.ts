import { describe, expect, it } from 'vitest';
import { nextDormancyDue } from '../../../src/core/detectors/dormancy.ts';
import { processTimers } from '../../../src/core/processor.ts';
import type { TransactionRecord } from '../../../src/core/processor.ts';
import type { Emission } from '../../../src/core/state.ts';
import { DAY, DETECTED_AT, HOUR, Ledger, MemoryStore, UNASSIGNED, afterCloseOf, core, czk, dayNo, pragueWinter, profile, recordsOf, rules, seededState, summary } from '../../support/core-fixtures.ts';

/**
 * One partition, two customers, each served at the tier its balance qualifies for (so no day close has an upgrade or
 * a downgrade to tell): c-1 (BLACK_GOLD, 2,000,000.00) leaks 300,000.00 to another bank four times (the third takes
 * the 30-day sum, 900,000.00, over 40% of the 30-day average); c-2 (PLATINUM, 950,000.00) withdraws 900,000.00 to
 * another bank. Offsets 0..5.
 */
function twoCustomers() {
  const store = new MemoryStore([profile({ customerId: 'c-1', servedTier: 'BLACK_GOLD' }), profile({ customerId: 'c-2', servedTier: 'PLATINUM', rmId: 'rm-2' })])
    .seed(seededState({ customerId: 'c-1', balances: { 'a-1': czk(2_000_000) }, since: pragueWinter('2023-11-01') }))
    .seed(seededState({ customerId: 'c-2', balances: { 'a-1': czk(950_000) }, since: pragueWinter('2023-11-01') }));
  const one = new Ledger('c-1', { 'a-1': czk(2_000_000) });
  const two = new Ledger('c-2', { 'a-1': czk(950_000) });
  const toBank = { counterpartyKind: 'OTHER_BANK' } as const;
  // c-1's sums against the 30-day average before each transfer: 300,000 / 2,000,000 = 15%; 600,000 / 1,940,000 = 31%;
  // on 15 Jan 900,000 / ((17 × 2,000,000 + 5 × 1,700,000 + 8 × 1,400,000) / 30 = 1,790,000) = 50% ≥ 40%: crossed
  const transactions = [
    one.debit(czk(300_000), pragueWinter('2024-01-03'), toBank),
    one.debit(czk(300_000), pragueWinter('2024-01-08'), toBank),
    two.debit(czk(900_000), pragueWinter('2024-01-09'), toBank),
    one.debit(czk(300_000), pragueWinter('2024-01-15'), toBank),
    one.debit(czk(500), pragueWinter('2024-01-16'), { counterpartyKind: 'NONE', category: 'CARD' }),
    one.debit(czk(300_000), pragueWinter('2024-01-20'), toBank),
  ];
  return { store, one, two, records: recordsOf(transactions, { partition: 0, firstOffset: 0 }) };
}

const json = (emissions: readonly Emission[]) => JSON.stringify(emissions);
const causes = (emissions: readonly Emission[]) => emissions.map((emission) => emission.alert.causeTransactionId);

describe('processTransactions', () => {
  it('emits in input order, the customers interleaved as their records were (one partition, one order)', () => {
    const { store, records } = twoCustomers();
    const result = store.run(records);
    expect(result.emissions.map((emission) => [emission.alert.customerId, emission.alert.kind])).toEqual([
      ['c-1', 'LEAKAGE'],
      ['c-1', 'LEAKAGE'],
      ['c-2', 'LARGE_OUTFLOW'],
      ['c-1', 'CUMULATIVE_OUTFLOW'],
      ['c-1', 'LEAKAGE'],
    ]);
    expect(causes(result.emissions)).toEqual(['c-1-t1', 'c-1-t2', 'c-2-t1', 'c-1-t3', 'c-1-t5']);
    expect(result.outcomes).toEqual({ applied: 6, already_applied: 0, duplicate: 0, too_late: 0, unsupported_currency: 0 });
    // one write per customer, conditional on the revision read
    expect(result.writes.map((write) => [write.customerId, write.expectedRev, write.state.rev, write.state.appliedOffset])).toEqual([
      ['c-1', 1, 2, 5],
      ['c-2', 1, 2, 2],
    ]);
  });

  it('keeps input order when the first record belongs to the customer seen second', () => {
    // 50,000.00 each: no profile means the lowest tier, and 50,000 does not qualify for GOLD (no upgrade on a day close)
    const [a, b] = [new Ledger('c-1', { 'a-1': czk(50_000) }), new Ledger('c-2', { 'a-1': czk(50_000) })];
    const leak = (ledger: Ledger, day: string) => ledger.debit(czk(10_000), pragueWinter(day), { counterpartyKind: 'INVESTMENT_PLATFORM' });
    const store = new MemoryStore();
    // the first postings seen (offsets 0, 1) set the customers up; 2..5 interleave c-2, c-1, c-2, c-1
    store.run(recordsOf([a.credit(czk(1), pragueWinter('2024-01-01')), b.credit(czk(1), pragueWinter('2024-01-01'))]));
    const result = store.run(recordsOf([leak(b, '2024-01-02'), leak(a, '2024-01-03'), leak(b, '2024-01-04'), leak(a, '2024-01-05')], { firstOffset: 2 }));
    expect(causes(result.emissions)).toEqual(['c-2-t2', 'c-1-t2', 'c-2-t3', 'c-1-t3']);
  });

  it('replaying records already applied emits exactly the stored alerts and writes nothing', () => {
    const { store, records } = twoCustomers();
    const first = store.run(records, { detectedAt: DETECTED_AT });
    const before = structuredClone([...store.states]);
    // a crash after the write, before publishing: the same records come again, later
    const replay = store.run(records, { detectedAt: DETECTED_AT + 60_000 });
    expect(json(replay.emissions)).toBe(json(first.emissions));
    expect(replay.writes).toEqual([]);
    expect(replay.timers).toEqual([]);
    expect(replay.outcomes).toMatchObject({ applied: 0, already_applied: 6 });
    expect([...store.states]).toEqual(before);
    // the consumer may also restart mid-batch: from offset 3 it owes what offsets 3..5 caused
    const tail = store.run(records.slice(3), { detectedAt: DETECTED_AT + 120_000 });
    expect(causes(tail.emissions)).toEqual(['c-1-t3', 'c-1-t5']);
    expect(json(tail.emissions)).toBe(json(first.emissions.slice(3)));
    expect(tail.writes).toEqual([]);
  });

  it('a re-delivery with new records after the applied ones: stored alerts first, then the new ones, one write', () => {
    const { store, records, one } = twoCustomers();
    const first = store.run(records.slice(0, 4));
    const next = one.debit(czk(50_000), pragueWinter('2024-01-21'), { counterpartyKind: 'OTHER_BANK' });
    const all = [...records, { transaction: next, position: { partition: 0, offset: 6 } }];
    const redelivered = store.run(all, { firstOffset: 0, detectedAt: DETECTED_AT + 1 });
    expect(json(redelivered.emissions.slice(0, 4))).toBe(json(first.emissions));
    expect(causes(redelivered.emissions)).toEqual(['c-1-t1', 'c-1-t2', 'c-2-t1', 'c-1-t3', 'c-1-t5', 'c-1-t6']);
    expect(redelivered.outcomes).toMatchObject({ already_applied: 4, applied: 3 });
    expect(redelivered.writes.map((write) => write.customerId)).toEqual(['c-1']);
  });

  it('once a later batch starts, the alerts of earlier offsets are delivered: the outbox lets go of them', () => {
    const { store, records, one } = twoCustomers();
    store.run(records);
    expect(store.state('c-1').outbox.map((entry) => entry.cause)).toEqual([0, 1, 3, 5].map((offset) => ({ kind: 'offset', offset })));
    const later = one.debit(czk(100_000), pragueWinter('2024-01-22'), { counterpartyKind: 'OTHER_BANK' });
    const result = store.run([{ transaction: later, position: { partition: 0, offset: 6 } }]);
    expect(store.state('c-1').outbox.map((entry) => entry.cause)).toEqual([{ kind: 'offset', offset: 6 }]);
    expect(json(store.state('c-1').outbox[0]!.emissions)).toBe(json(result.emissions));
    // a crash before offset 7 was committed: offset 6 comes again and owes just its own alert
    const again = store.run([{ transaction: later, position: { partition: 0, offset: 6 } }], { detectedAt: DETECTED_AT + 1 });
    expect(json(again.emissions)).toBe(json(result.emissions));
    expect(again.writes).toEqual([]);
  });

  it('refuses too-late and foreign-currency records with a reason, counts them as dealt with, and does not refuse them twice', () => {
    const ledger = new Ledger('c-1', { 'a-1': czk(100_000) });
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(100_000) }, since: pragueWinter('2023-11-01') }));
    const records: TransactionRecord[] = recordsOf([
      ledger.debit(czk(100), pragueWinter('2024-01-20'), { counterpartyKind: 'CASH' }),
      ledger.debit(czk(100), pragueWinter('2024-01-12'), { counterpartyKind: 'CASH' }), // 8 days late
      { ...ledger.debit(czk(100), pragueWinter('2024-01-20', '11:00'), { counterpartyKind: 'CASH' }), currency: 'EUR' },
    ]);
    const result = store.run(records);
    expect(result.rejected.map((rejection) => [rejection.record.position.offset, rejection.reason])).toEqual([
      [1, 'too_late'],
      [2, 'unsupported_currency'],
    ]);
    expect(result.rejected[0]!.detail).toContain('more than 7 days behind');
    expect(result.rejected[1]!.detail).toContain('EUR');
    expect(result.outcomes).toEqual({ applied: 1, already_applied: 0, duplicate: 0, too_late: 1, unsupported_currency: 1 });
    const state = store.state();
    expect(state.appliedOffset).toBe(2);
    expect(state.accounts['a-1']![0]).toBe(czk(99_900)); // only the first debit counted
    const again = store.run(records);
    expect(again.rejected).toEqual([]);
    expect(again.outcomes.already_applied).toBe(3);
  });

  it('a customer seen for the first time gets a state (expected revision 0) and a timer; no profile → the unassigned queue', () => {
    const store = new MemoryStore();
    const ledger = new Ledger('c-new', { 'a-1': czk(1_000_000) });
    const withdrawal = ledger.debit(czk(950_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' });
    const result = store.run(recordsOf([withdrawal], { firstOffset: 40 }), { timerScope: 'transactions/0' });
    expect(result.writes).toMatchObject([{ customerId: 'c-new', expectedRev: 0, state: { rev: 1, appliedOffset: 40, firstSeenAt: withdrawal.eventTime } }]);
    // the first dormancy stage is 60 days after the posting (10 Mar), but the 50,000.00 left is worth a daily look
    // (≥ churn.minAverageBalanceMinor, 20,000.00) and 10 Jan had a posting: the timer is the close of 10 Jan,
    // a minute after Prague midnight, 11 Jan 00:01 (wake-up.ts: the earliest of the two)
    expect(nextDormancyDue(result.writes[0]!.state, undefined, rules)).toBe(withdrawal.eventTime + 60 * DAY);
    expect(result.timers).toEqual([{ scope: 'transactions/0', customerId: 'c-new', due: afterCloseOf('2024-01-10') }]);
    expect(afterCloseOf('2024-01-10')).toBe(pragueWinter('2024-01-11', '00:01'));
    // 950,000 of the 1,000,000 before it (known from the posting's own balance) to another bank: large, but a customer
    // known for a day has no month of their own to call it an exit against (a salary swept to their main bank after
    // payday looks the same), so it goes to the risk team only
    expect(summary(result.emissions)).toEqual([{ kind: 'LARGE_OUTFLOW', priority: 'HIGH', feeds: ['risk'] }]);
    expect(result.emissions[0]!.alert).toMatchObject({ rmId: null, queue: UNASSIGNED });
  });
});

describe('processTimers', () => {
  const T0 = pragueWinter('2024-01-01');
  const SCOPE = 'tx/0';

  /**
   * GOLD with 150,000.00 since June 2023 (served at the tier its balance qualifies for: no upgrade or idle funds to
   * tell); last acted 1 Jan 2024; interest on 31 Jan. The interest batch sets the timer to the close of 31 Jan (a
   * customer worth a daily look, ≥ 20,000.00, whose day had a posting: 1 Feb 00:01 Prague); that sweep judges the day,
   * finds nothing, and moves the timer to the next look at the silence (every four days from the eighth), which find
   * nothing either, then to the first dormancy stage, 1 Mar (60 days after 1 Jan). A closed relationship has no timer
   * at all.
   */
  function quietCustomer(customer = profile({ servedTier: 'GOLD' })) {
    const store = new MemoryStore([customer]).seed(seededState({ balances: { 'a-1': czk(150_000) }, since: pragueWinter('2023-06-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(150_000) });
    store.feed([ledger.debit(czk(500), T0, { category: 'CARD' }), ledger.interest(czk(100), pragueWinter('2024-01-31'))]);
    if (customer.status === 'CLOSED') {
      expect(store.timers.get(`${SCOPE}/c-1`)).toBeUndefined();
      return { store, ledger };
    }
    expect(store.timers.get(`${SCOPE}/c-1`)).toBe(afterCloseOf('2024-01-31'));
    const closeOfJanuary = store.sweep(afterCloseOf('2024-01-31'));
    expect(closeOfJanuary.emissions).toEqual([]);
    expect(store.state().evaluatedDay).toBe(dayNo('2024-01-31'));
    // the silence is looked at every four days until the first dormancy stage: a steady balance scores nothing
    const looks: number[] = [];
    for (let due = store.timers.get(`${SCOPE}/c-1`)!; due < T0 + 60 * DAY; due = store.timers.get(`${SCOPE}/c-1`)!) {
      looks.push(due);
      expect(store.sweep(due).emissions).toEqual([]);
    }
    expect(looks).toEqual(['2024-02-02', '2024-02-06', '2024-02-10', '2024-02-14', '2024-02-18', '2024-02-22', '2024-02-26'].map(afterCloseOf));
    expect(store.timers.get(`${SCOPE}/c-1`)).toBe(T0 + 60 * DAY);
    return { store, ledger };
  }

  it('fires: stores the stage with its alerts in the outbox, then settles (outbox emptied, timer moved to the next stage)', () => {
    const { store } = quietCustomer();
    const due = store.timers.get(`${SCOPE}/c-1`)!;
    expect(due).toBe(T0 + 60 * DAY);
    const rev = store.states.get('c-1')!.rev;
    const result = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due }], { timerScope: SCOPE, now: due + 60_000, detectedAt: DETECTED_AT }, core);

    expect(summary(result.emissions)).toEqual([{ kind: 'DORMANCY', priority: 'LOW', feeds: ['rm'] }]);
    expect(result.emissions[0]!.alert).toMatchObject({ queue: 'rm-1', eventTime: T0 + 60 * DAY, detectedAt: DETECTED_AT });
    expect(result.writes).toHaveLength(1);
    const [write] = result.writes;
    expect(write).toMatchObject({ customerId: 'c-1', expectedRev: rev, state: { rev: rev + 1, dormancy: { since: T0, stage: 1 } } });
    expect(write!.state.outbox).toEqual([{ cause: { kind: 'timer', due }, emissions: result.emissions }]);
    expect(result.settle.writes).toHaveLength(1);
    expect(result.settle.writes[0]).toMatchObject({ customerId: 'c-1', expectedRev: rev + 1, state: { rev: rev + 2, outbox: [], dormancy: { since: T0, stage: 1 } } });
    expect(result.settle.timers).toEqual([{ scope: SCOPE, customerId: 'c-1', due: T0 + 90 * DAY }]);

    store.commit(result.writes);
    store.commit(result.settle.writes, result.settle.timers);
    expect(store.state().outbox).toEqual([]);
    expect(store.timers.get(`${SCOPE}/c-1`)).toBe(T0 + 90 * DAY);
  });

  it('a crash between the first write and the settle: the timer comes again and re-sends the very same alerts', () => {
    const { store } = quietCustomer();
    const due = T0 + 60 * DAY;
    const first = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due }], { timerScope: SCOPE, now: due + 60_000, detectedAt: DETECTED_AT }, core);
    store.commit(first.writes); // ...and the process dies: nothing published, the timer did not move
    const rev = store.states.get('c-1')!.rev;

    const again = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due }], { timerScope: SCOPE, now: due + 3_600_000, detectedAt: DETECTED_AT + 3_600_000 }, core);
    expect(json(again.emissions)).toBe(json(first.emissions));
    expect(again.writes).toEqual([]);
    expect(again.settle.writes).toMatchObject([{ customerId: 'c-1', expectedRev: rev, state: { rev: rev + 1, outbox: [] } }]);
    expect(again.settle.timers).toEqual([{ scope: SCOPE, customerId: 'c-1', due: T0 + 90 * DAY }]);
    store.commit(again.settle.writes, again.settle.timers);
    expect(store.state().outbox).toEqual([]);
    expect(store.state().dormancy).toEqual({ since: T0, stage: 1 });
  });

  it('a crash after the settle was stored: the timer has moved on and nothing is told twice', () => {
    const { store } = quietCustomer();
    const due = T0 + 60 * DAY;
    const first = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due }], { timerScope: SCOPE, now: due, detectedAt: DETECTED_AT }, core);
    store.commit(first.writes);
    store.commit(first.settle.writes, first.settle.timers);
    // a sweep that still saw the old due time
    const stale = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due }], { timerScope: SCOPE, now: due + 1_000, detectedAt: DETECTED_AT }, core);
    expect(stale).toEqual({ writes: [], emissions: [], settle: { writes: [], timers: [{ scope: SCOPE, customerId: 'c-1', due: T0 + 90 * DAY }] } });
  });

  it.each([
    // name, now, acted on 20 Feb, the day whose close a wake-up still judges (null: none left to judge), next due
    ['fired again the morning the close of 31 Jan was judged (nothing reached yet)', afterCloseOf('2024-01-31') + HOUR, false, null, T0 + 60 * DAY],
    // a day early: no stage reached; the close of 28 Feb had not been judged (last judged: 31 Jan), so it is, quietly
    ['fired early (nothing reached yet)', T0 + 59 * DAY, false, '2024-02-28', T0 + 60 * DAY],
    // the posting of 20 Feb judged 19 Feb; the wake-up judges 29 Feb; the next stage counts from 20 Feb
    // acted on 20 Feb: that silence is looked at on its 12th day, 3 Mar, before its first stage
    ['the customer acted since the timer was set', T0 + 60 * DAY, true, '2024-02-29', afterCloseOf('2024-03-03')],
  ])('a spurious timer, %s, alerts nothing and is rescheduled', (_, now, acted, judged, next) => {
    const { store, ledger } = quietCustomer();
    if (acted) store.feed([ledger.debit(czk(200), T0 + 50 * DAY, { counterpartyKind: 'CASH' })]);
    const rev = store.states.get('c-1')!.rev;
    const result = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due: T0 + 60 * DAY }], { timerScope: SCOPE, now, detectedAt: DETECTED_AT }, core);
    expect(result.emissions).toEqual([]);
    // a day close still unjudged is judged (and stored) even by a spurious wake-up: with nothing to tell, no outbox
    if (judged === null) expect(result.writes).toEqual([]);
    else expect(result.writes).toMatchObject([{ customerId: 'c-1', expectedRev: rev, state: { rev: rev + 1, evaluatedDay: dayNo(judged), outbox: [], dormancy: { stage: 0 } } }]);
    expect(result.settle).toEqual({ writes: [], timers: [{ scope: SCOPE, customerId: 'c-1', due: next }] });
  });

  it('after a long outage only the highest stage reached is told, and the last stage leaves no timer', () => {
    const { store } = quietCustomer();
    const result = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due: T0 + 60 * DAY }], { timerScope: SCOPE, now: T0 + 800 * DAY, detectedAt: DETECTED_AT }, core);
    expect(summary(result.emissions)).toEqual([{ kind: 'DORMANCY', priority: 'HIGH', feeds: ['rm'] }]);
    expect(result.emissions[0]!.alert.reason).toMatch(/^Dormant: no customer-initiated activity for 730 days/);
    expect(result.writes[0]!.state.dormancy).toEqual({ since: T0, stage: 4 });
    expect(result.settle.timers).toEqual([{ scope: SCOPE, customerId: 'c-1', due: null }]);
  });

  it('a closed relationship: no alert, the timer is cancelled', () => {
    const { store } = quietCustomer(profile({ servedTier: 'GOLD', status: 'CLOSED' }));
    const result = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due: T0 + 60 * DAY }], { timerScope: SCOPE, now: T0 + 400 * DAY, detectedAt: DETECTED_AT }, core);
    expect(result).toEqual({ writes: [], emissions: [], settle: { writes: [], timers: [{ scope: SCOPE, customerId: 'c-1', due: null }] } });
  });

  it('a timer for a customer with no state is cancelled', () => {
    const result = processTimers(new MemoryStore().load(['ghost']), [{ customerId: 'ghost', due: T0 }], { timerScope: SCOPE, now: T0 + DAY, detectedAt: DETECTED_AT }, core);
    expect(result).toEqual({ writes: [], emissions: [], settle: { writes: [], timers: [{ scope: SCOPE, customerId: 'ghost', due: null }] } });
  });

  it('settling keeps the alerts a transaction batch still owes (only timer entries leave the outbox)', () => {
    const { store, ledger } = quietCustomer();
    // the latest transaction batch (offset 9, a transfer of the customer's own) still owes its leakage alert to the
    // risk feed when, 60 days later, the timer fires on that same stored state
    const leak = ledger.debit(czk(10_000), pragueWinter('2024-02-05'), { counterpartyKind: 'OTHER_BANK' });
    store.run(recordsOf([leak], { firstOffset: 9 }));
    const owedByBatch = store.state().outbox;
    expect(owedByBatch.map((entry) => entry.cause)).toEqual([{ kind: 'offset', offset: 9 }]);
    const due = leak.eventTime + 60 * DAY;
    const result = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due }], { timerScope: SCOPE, now: due, detectedAt: DETECTED_AT }, core);
    expect(result.writes[0]!.state.outbox.map((entry) => entry.cause)).toEqual([{ kind: 'offset', offset: 9 }, { kind: 'timer', due }]);
    expect(result.settle.writes[0]!.state.outbox).toEqual(owedByBatch);
  });
});

describe('timers and transactions together', () => {
  const T0 = pragueWinter('2024-01-01');
  const SCOPE = 'tx/0';

  it('a crash between the timer’s first write and its settle, then a posting before the next sweep: the timer stays put and the sweep re-sends the same alert', () => {
    // GOLD, 150,000.00: served at its tier, nothing but dormancy to tell
    const store = new MemoryStore([profile({ servedTier: 'GOLD' })]).seed(seededState({ balances: { 'a-1': czk(150_000) }, since: pragueWinter('2023-06-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(150_000) });
    store.feed([ledger.debit(czk(500), T0, { category: 'CARD' })]);
    // the close of 1 Jan is judged first (2 Jan 00:01), quietly; then the timer waits for the first stage, looking at the silence on the way
    expect(store.sweep(afterCloseOf('2024-01-01')).emissions).toEqual([]);
    // the looks at the silence (every four days from the eighth) find nothing to tell
    expect(store.advance(T0 + 60 * DAY - 1)).toEqual([]);
    const due = T0 + 60 * DAY;
    expect(store.timers.get(`${SCOPE}/c-1`)).toBe(due);
    const fired = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due }], { timerScope: SCOPE, now: due, detectedAt: DETECTED_AT }, core);
    store.commit(fired.writes); // crash: not published, not settled

    // interest arrives before the sweep runs again: it must not move the timer past the alerts still owed
    const batch = store.run(recordsOf([ledger.interest(czk(10), due + HOUR)], { firstOffset: 1 }));
    expect(batch.emissions).toEqual([]);
    expect(store.timers.get(`${SCOPE}/c-1`)).toBe(due);
    expect(store.state().outbox.map((entry) => entry.cause)).toEqual([{ kind: 'timer', due }]);

    const sweep = processTimers(store.load(['c-1']), [{ customerId: 'c-1', due }], { timerScope: SCOPE, now: due + 2 * HOUR, detectedAt: DETECTED_AT + 1 }, core);
    expect(json(sweep.emissions)).toBe(json(fired.emissions));
    store.commit(sweep.writes);
    store.commit(sweep.settle.writes, sweep.settle.timers);
    expect(store.state().outbox).toEqual([]);
    // the next dormancy stage is T0 + 90 days (31 Mar), but the interest posted on 1 Mar makes 1 Mar a day with a
    // posting for a customer worth a daily look (149,510.00): the timer moves to the close of 1 Mar, 2 Mar 00:01
    expect(nextDormancyDue(store.state(), profile({ servedTier: 'GOLD' }), rules)).toBe(T0 + 90 * DAY);
    expect(store.timers.get(`${SCOPE}/c-1`)).toBe(afterCloseOf('2024-03-01'));
    // and the next transaction batch schedules from the state again: the fee of 2 Mar judges the close of 1 Mar
    // itself (first posting of a new day) and asks for the close of 2 Mar
    store.run(recordsOf([ledger.fee(czk(5), due + DAY)], { firstOffset: 2 }));
    expect(store.state().evaluatedDay).toBe(dayNo('2024-03-01'));
    expect(store.timers.get(`${SCOPE}/c-1`)).toBe(afterCloseOf('2024-03-02'));
    // once that close is judged (nothing to tell), the timer is back on the dormancy stage
    expect(store.sweep(afterCloseOf('2024-03-02')).emissions).toEqual([]);
    expect(store.timers.get(`${SCOPE}/c-1`)).toBe(T0 + 90 * DAY);
  });

  it('cooldowns that have ended are forgotten as the customer’s clock moves on (the state does not keep every kind ever told)', () => {
    // SILVER with 90,000.00 (below GOLD's 100,000: no upgrade to tell): 80,000 to another bank leaves 11% of the
    // balance, an exit the RM hears (URGENT, rank 3) with a 7-day cooldown
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(90_000) }, since: pragueWinter('2023-11-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(90_000) });
    store.feed([ledger.debit(czk(80_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' })]);
    expect(store.state().cooldowns).toEqual({ LARGE_OUTFLOW: [pragueWinter('2024-01-17'), 3] });
    store.feed([ledger.debit(czk(100), pragueWinter('2024-01-16'), { counterpartyKind: 'CASH' })]);
    expect(Object.keys(store.state().cooldowns)).toEqual(['LARGE_OUTFLOW']);
    store.feed([ledger.debit(czk(100), pragueWinter('2024-01-17'), { counterpartyKind: 'CASH' })]);
    expect(store.state().cooldowns).toEqual({});
  });
});
