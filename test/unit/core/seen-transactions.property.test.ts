import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyTransaction, newCustomerState } from '../../../src/core/features.ts';
import type { ApplyOutcome } from '../../../src/core/features.ts';
import { forgetSeenBefore, hasSeen, rememberSeen, seenFromLegacy, transactionFingerprint } from '../../../src/core/seen-transactions.ts';
import type { SeenDays } from '../../../src/core/seen-transactions.ts';
import type { CustomerState } from '../../../src/core/state.ts';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { HOUR, Ledger, calendar, czk, pragueWinter, rules } from '../../support/core-fixtures.ts';

const START = pragueWinter('2024-01-01', '08:00');
const LATENESS = rules.allowedLatenessDays;

/** One posting of a random stream: how far the clock moves (hours), or, when negative, how late it is (within the window). */
const posting = fc.record({
  step: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: -(LATENESS * 24 - 1), max: -1 }) }),
  direction: fc.constantFrom('DEBIT' as const, 'CREDIT' as const),
  amount: fc.integer({ min: 1, max: czk(50_000) }),
  account: fc.constantFrom('a-1', 'a-2'),
  /** Re-send an earlier posting after this one: how many postings back (beyond the stream's start: none). */
  resendDepth: fc.option(fc.integer({ min: 0, max: 120 }), { freq: 2 }),
});

type Posting = typeof posting extends fc.Arbitrary<infer T> ? T : never;

function streamOf(steps: readonly Posting[]): Transaction[] {
  const ledger = new Ledger('c-1', { 'a-1': czk(1_000_000), 'a-2': czk(1_000_000) });
  let clock = START;
  return steps.map(({ step, direction, amount, account }) => {
    const at = step >= 0 ? (clock += step * HOUR) : clock + step * HOUR;
    // a late posting stays inside the window: at least a day after the window's first day
    const eventTime = Math.max(at, calendar.startOf(calendar.dayOf(clock) - LATENESS + 1));
    return direction === 'DEBIT' ? ledger.debit(amount, eventTime, { accountId: account }) : ledger.credit(amount, eventTime, { accountId: account });
  });
}

function run(records: readonly Transaction[]): { state: CustomerState; outcomes: ApplyOutcome[] } {
  const state = newCustomerState('c-1', 0, records[0]!.eventTime);
  const outcomes = records.map((record, offset) => applyTransaction(state, { ...record }, { partition: 0, offset }, rules, calendar));
  return { state, outcomes };
}

describe('exactly once over the lateness window (issue 11)', () => {
  it('random re-sends at random depths are applied once: the features equal those of the stream without them', () => {
    fc.assert(
      fc.property(fc.array(posting, { minLength: 1, maxLength: 150 }), (steps) => {
        const stream = streamOf(steps);
        const clean = run(stream);
        expect(clean.outcomes.every((outcome) => outcome === 'applied')).toBe(true);

        // after each posting, maybe a byte-identical re-send of one `resendDepth` postings back
        const noisy: Transaction[] = [];
        const expected: ApplyOutcome[] = [];
        let streamDay = -Infinity;
        steps.forEach(({ resendDepth }, index) => {
          noisy.push(stream[index]!);
          expected.push('applied');
          streamDay = Math.max(streamDay, calendar.dayOf(stream[index]!.eventTime));
          const original = resendDepth === null ? undefined : stream[index - resendDepth];
          if (original === undefined) return;
          noisy.push(original);
          expected.push(calendar.dayOf(original.eventTime) >= streamDay - LATENESS ? 'duplicate' : 'too_late');
        });
        const resent = run(noisy);
        expect(resent.outcomes).toEqual(expected);
        expect({ ...resent.state, appliedOffset: 0 }).toEqual({ ...clean.state, appliedOffset: 0 });
      }),
      { numRuns: 300 },
    );
  });

  it('the set keeps what was remembered, in order, and forgets only whole days before the window', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 19_000, max: 19_030 }), fc.string({ maxLength: 12 })), { maxLength: 200 }), fc.integer({ min: 19_000, max: 19_031 }), (entries, firstKept) => {
        const seen: SeenDays = [];
        for (const [day, id] of entries) rememberSeen(seen, day, transactionFingerprint(id));
        for (const [, id] of entries) expect(hasSeen(seen, transactionFingerprint(id))).toBe(true);
        const days = seen.map(([day]) => day!);
        expect(days).toEqual([...new Set(days)].sort((a, b) => a - b));
        for (const [, ...fingerprints] of seen) expect(fingerprints).toEqual([...new Set(fingerprints)].sort((a, b) => a - b));
        forgetSeenBefore(seen, firstKept);
        for (const [day, id] of entries) {
          if (day >= firstKept) expect(hasSeen(seen, transactionFingerprint(id))).toBe(true);
        }
        expect(seen.every(([day]) => day! >= firstKept)).toBe(true);
      }),
    );
  });

  it('reads the 52-bit fingerprints of a state written before as the same ids', () => {
    const legacy52 = (id: string) => {
      // the fingerprint states kept before issue 11 (src/core/features.ts fingerprintOf)
      let low = 0x811c9dc5;
      let high = 0x01000193 ^ id.length;
      for (let index = 0; index < id.length; index += 1) {
        low = Math.imul(low ^ id.charCodeAt(index), 0x01000193) >>> 0;
        high = Math.imul(high ^ id.charCodeAt(index), 0x0100019d) >>> 0;
      }
      return (high & 0xfffff) * 0x100000000 + low;
    };
    const ids = ['c-1-t1', 'c-1-t2', 'TX-2024-000001'];
    const seen = seenFromLegacy(ids.map(legacy52), 19_800);
    for (const id of ids) expect(hasSeen(seen, transactionFingerprint(id))).toBe(true);
    expect(hasSeen(seen, transactionFingerprint('c-1-t3'))).toBe(false);
  });
});
