import { describe, expect, it } from 'vitest';
import { assessChurn } from '../../../src/core/churn.ts';
import { CustomerFeatures } from '../../../src/core/features.ts';
import { CUSTOMER_INITIATED_COUNT } from '../../../src/core/flows.ts';
import { rfmOf, rfmSegmentOf, segmentOf } from '../../../src/core/rfm.ts';
import { DAY, Ledger, MemoryStore, afterCloseOf, calendar, czk, dayNo, pragueWinter, profile, rules, seededState } from '../../support/core-fixtures.ts';

const AS_OF = dayNo('2024-03-01');

/**
 * The RFM of a customer as of 1 Mar 2024: `average` held steady (so the 30-day average is that), `transactions`
 * customer-initiated transactions counted on 20 Feb (inside the 90 days), last active `recencyDays` before (null: never).
 */
function rfmWith(recencyDays: number | null, transactions: number, average: number) {
  const state = seededState({ balances: { 'a-1': average }, since: pragueWinter('2023-06-01') });
  if (transactions > 0) state.days = [[dayNo('2024-02-20'), CUSTOMER_INITIATED_COUNT, transactions]];
  const lastActivityDay = recencyDays === null ? null : AS_OF - recencyDays;
  const rfm = rfmOf(new CustomerFeatures(state, AS_OF, calendar), lastActivityDay, rules);
  // the day close's segment-only form agrees with the whole RFM
  expect(rfmSegmentOf(new CustomerFeatures(state, AS_OF, calendar), lastActivityDay, rules)).toBe(rfm.segment);
  return rfm;
}

describe('RFM scores against the shipped cut points', () => {
  // recency (days since the last own transaction, lower is better): ≤ 7 → 5, ≤ 14 → 4, ≤ 30 → 3, ≤ 60 → 2, else 1
  it.each([
    [0, 5],
    [7, 5],
    [8, 4],
    [14, 4],
    [15, 3],
    [30, 3],
    [31, 2],
    [60, 2],
    [61, 1],
    [null, 1], // never active
  ])('recency %s days → %i', (recencyDays, score) => {
    expect(rfmWith(recencyDays, 0, czk(50_000)).recencyScore).toBe(score);
  });

  // frequency (own transactions in 90 days): ≥ 60 → 5, ≥ 30 → 4, ≥ 12 → 3, ≥ 4 → 2, else 1
  it.each([
    [60, 5],
    [59, 4],
    [30, 4],
    [29, 3],
    [12, 3],
    [11, 2],
    [4, 2],
    [3, 1],
    [0, 1],
  ])('frequency %i in 90 days → %i', (transactions, score) => {
    expect(rfmWith(1, transactions, czk(50_000)).frequencyScore).toBe(score);
  });

  // monetary (30-day average balance): ≥ 1,000,000 → 5, ≥ 300,000 → 4, ≥ 100,000 → 3, ≥ 20,000 → 2, else 1
  it.each([
    [czk(1_000_000), 5],
    [czk(1_000_000) - 1, 4],
    [czk(300_000), 4],
    [czk(100_000), 3],
    [czk(100_000) - 1, 2],
    [czk(20_000), 2],
    [czk(20_000) - 1, 1],
  ])('monetary %i (minor units) → %i', (average, score) => {
    expect(rfmWith(1, 0, average).monetaryScore).toBe(score);
  });
});

describe('the eight segments (a score ≥ 3 is high; monetary decides important or general)', () => {
  it.each([
    // R, F, M high? → segment; an example customer: recency days, own transactions in 90 days, 30-day average
    [true, true, true, 'IMPORTANT_VALUE', 3, 40, czk(500_000)],
    [true, false, true, 'IMPORTANT_DEVELOP', 10, 5, czk(150_000)],
    [false, true, true, 'IMPORTANT_RETAIN', 45, 20, czk(400_000)],
    [false, false, true, 'IMPORTANT_WIN_BACK', 90, 2, czk(1_200_000)],
    [true, true, false, 'GENERAL_VALUE', 2, 70, czk(30_000)],
    [true, false, false, 'GENERAL_DEVELOP', 30, 11, czk(99_000)],
    [false, true, false, 'GENERAL_RETAIN', 31, 12, czk(5_000)],
    [false, false, false, 'GENERAL_WIN_BACK', null, 0, czk(0)],
  ] as const)('R %s, F %s, M %s → %s', (recent, frequent, valuable, segment, recencyDays, transactions, average) => {
    expect(segmentOf(recent, frequent, valuable)).toBe(segment);
    const rfm = rfmWith(recencyDays, transactions, average);
    expect([rfm.recencyScore >= 3, rfm.frequencyScore >= 3, rfm.monetaryScore >= 3]).toEqual([recent, frequent, valuable]);
    expect(rfm.segment).toBe(segment);
  });
});

describe('a slide from IMPORTANT_VALUE to IMPORTANT_RETAIN feeds the churn score', () => {
  it('an active, valuable customer falls silent for a month: the next day close records the slide, worth 5 of 100', () => {
    // GOLD, 200,000.00 since September; a 100.00 card payment every other day from 1 Nov to 29 Dec (30 payments),
    // the timer loop running before each; then nothing of the customer's own until the month's interest on 31 Jan
    const store = new MemoryStore([profile({ servedTier: 'GOLD' })]).seed(
      seededState({ balances: { 'a-1': czk(200_000) }, since: pragueWinter('2023-09-01'), lastActivityAt: pragueWinter('2023-09-30') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(200_000) });
    for (let payment = 0; payment < 30; payment += 1) {
      const day = pragueWinter('2023-11-01') + 2 * payment * DAY;
      expect(store.advance(day)).toEqual([]);
      expect(store.feed([ledger.debit(czk(100), day, { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' })]).flat()).toEqual([]);
    }
    // the close of 29 Dec (30 Dec 00:01): recency 0 (5), 30 own transactions in 90 days (4), 30-day average
    // (198,500 + 2 × Σ j=1..14 (198,500 − 100j) + 197,000) / 30 = 197,750 (3): IMPORTANT_VALUE
    expect(store.advance(afterCloseOf('2023-12-29'))).toEqual([]);
    expect(store.state().rfm).toEqual({ segment: 'IMPORTANT_VALUE', slidFrom: null, slidOn: 0 });

    // nothing wakes a silent customer whose tier is not moving before the first dormancy stage (27 Feb): the interest
    // posted on 31 Jan is the next day close, judging 30 Jan: recency 32 days (2: low), 29 payments in the 90 days
    // from 2 Nov (3: high), average 197,000 (3: high): IMPORTANT_RETAIN, slid from IMPORTANT_VALUE that day. The same
    // close opens a churn episode: a month without any of the customer's own transactions, against one every 2 days
    const told = store.feed([ledger.interest(czk(50), pragueWinter('2024-01-31'))]).flat();
    expect(told.map((emission) => [emission.alert.kind, emission.feeds])).toEqual([['CHURN_RISK', ['rm']]]);
    expect(store.state().rfm).toEqual({ segment: 'IMPORTANT_RETAIN', slidFrom: 'IMPORTANT_VALUE', slidOn: dayNo('2024-01-30') });

    // the slide is RFM's own reading (GET /customers/:id/features); the churn score judges the same silence through
    // the scorecard's features, whose reasons name the activity against the customer's usual
    const churn = assessChurn(store.state(), new CustomerFeatures(store.state(), dayNo('2024-01-30'), calendar), rules, calendar);
    expect(churn.signals.map((signal) => signal.name)).toContain('activityVsUsual');
    expect(churn.signals.find((signal) => signal.name === 'activityVsUsual')?.reason).toBe('0 customer-initiated transactions in 30 days; usually 15');
  });
});
