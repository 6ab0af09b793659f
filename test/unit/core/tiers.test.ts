import { describe, expect, it } from 'vitest';
import { opportunityOf } from '../../../src/core/policy.ts';
import type { CoreContext } from '../../../src/core/processor.ts';
import type { Emission } from '../../../src/core/state.ts';
import type { CounterpartyKind } from '../../../src/domain/transaction.ts';
import { DAY, Ledger, MemoryStore, calendar, core, coreWith, czk, dayNo, pragueWinter, profile, seededState, summary } from '../../support/core-fixtures.ts';

/** `isoDate` plus `days` days, as "YYYY-MM-DD". */
const plusDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** The end of a business day: the event time of what its close is found to be. */
const endOf = (isoDate: string) => calendar.startOf(dayNo(isoDate) + 1) - 1;

interface Told {
  /** The day it was emitted on: a wake-up (`timer`, judging the close of the day before) or that day's posting. */
  on: string;
  by: 'timer' | 'transaction';
  emission: Emission;
}

const brief = (told: readonly Told[]) => told.map(({ on, by, emission }) => ({ on, by, ...summary([emission])[0]! }));
const ofKind = (told: readonly Told[], kind: string) => told.filter(({ emission }) => emission.alert.kind === kind);

/**
 * Weeks of one customer's life, driven the way the service drives the core. The customer holds `opening` (steady
 * since October 2023, last active 28 Jan) and is served at `served`. On `start` at 10:00 `deposit` arrives from another
 * bank. Then each day at 10:00 the timer loop first wakes whoever is due (processTimers, judging the close of the day
 * before), then the day's posting goes through processTransactions: a 200.00 card payment, or, on the day after the
 * deposit when `leaves`, the deposit going back out to another bank; with `cards: false` the customer posts nothing
 * after the deposit. Answers everything emitted, in order, with the day and the path it came by.
 */
function weeks(options: { served: string; opening: number; deposit: number; leaves?: boolean; cards?: boolean; start?: string; days?: number; context?: CoreContext }): Told[] {
  const { served, opening, deposit, leaves = false, cards = true, start = '2024-02-01', days = 29, context = core } = options;
  const store = new MemoryStore([profile({ servedTier: served })], context).seed(
    seededState({ balances: { 'a-1': opening }, since: pragueWinter('2023-10-01'), lastActivityAt: pragueWinter('2024-01-28') }),
  );
  const ledger = new Ledger('c-1', { 'a-1': opening });
  const told: Told[] = [];
  const record = (on: string, by: Told['by'], emissions: readonly Emission[]) => told.push(...emissions.map((emission) => ({ on, by, emission })));
  record(start, 'timer', store.advance(pragueWinter(start)));
  record(start, 'transaction', store.feed([ledger.credit(deposit, pragueWinter(start), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0800' })]).flat());
  for (let day = 1; day <= days; day += 1) {
    const on = plusDays(start, day);
    record(on, 'timer', store.advance(pragueWinter(on)));
    if (day === 1 && leaves) record(on, 'transaction', store.feed([ledger.debit(deposit, pragueWinter(on), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0800' })]).flat());
    else if (cards) record(on, 'transaction', store.feed([ledger.debit(czk(200), pragueWinter(on), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' })]).flat());
  }
  return told;
}

describe('upgrade eligibility: the period average crosses a tier floor and stays there', () => {
  // The closes: `opening` every day before 1 Feb, opening + deposit on 1 Feb, then 200.00 less each day. The 30-day
  // average on 1 Feb + (n − 1), n ≥ 1, is ((30 − n) × opening + n × (opening + deposit) − 200 × n(n − 1) / 2) / 30.
  it.each([
    {
      name: 'GOLD (≥ 100,000): 80,000 + 160,000 from another bank',
      served: 'SILVER',
      opening: czk(80_000),
      deposit: czk(160_000),
      // average: n = 3 (3 Feb) (2,400,000 + 480,000 − 600) / 30 = 95,980; n = 4 (4 Feb) (2,400,000 + 640,000 − 1,200) / 30
      // = 101,293.33 ≥ 100,000: GOLD from 4 Feb, held 4..8 Feb (5 days); the close of 8 Feb, n = 8, is judged by the
      // wake-up of 9 Feb 00:01: (2,400,000 + 1,280,000 − 5,600) / 30 = 122,480.00; closing 240,000 − 7 × 200 = 238,600
      judged: '2024-02-08',
      priority: 'MEDIUM',
      reason: 'Eligible: GOLD (served SILVER); 30-day average 122,480.00 CZK held above 100,000.00 CZK for 5 days',
      average: czk(122_480),
      closing: czk(238_600),
      floor: czk(100_000),
      // 160,000 is over the default single inflow threshold (100,000): a balance jump from a competitor, the same day
      others: [{ on: '2024-02-01', by: 'transaction', kind: 'LARGE_INFLOW', priority: 'HIGH', feeds: ['campaign', 'rm'] }],
    },
    {
      name: 'PLATINUM is gated: 250,000 + 150,000, "Eligible, needs approval"',
      served: 'GOLD',
      opening: czk(250_000),
      deposit: czk(150_000),
      // average = (7,500,000 + 150,000n − 100n(n − 1)) / 30: n = 10 (10 Feb) 299,700 < 300,000; n = 11 (11 Feb)
      // (7,500,000 + 1,650,000 − 11,000) / 30 = 304,633.33: PLATINUM from 11 Feb, held 11..15 Feb; n = 15:
      // (7,500,000 + 2,250,000 − 21,000) / 30 = 324,300.00; closing 400,000 − 14 × 200 = 397,200
      judged: '2024-02-15',
      priority: 'HIGH', // gated
      reason: 'Eligible, needs approval: PLATINUM (served GOLD); 30-day average 324,300.00 CZK held above 300,000.00 CZK for 5 days',
      average: czk(324_300),
      closing: czk(397_200),
      floor: czk(300_000),
      others: [], // 150,000 is under GOLD's 200,000 and 60% of the average: no jump
    },
    {
      name: 'BLACK_GOLD from PLATINUM: gated, and a top-tier customer',
      served: 'PLATINUM',
      opening: czk(900_000),
      deposit: czk(300_000),
      // average = (27,000,000 + 300,000n − 100n(n − 1)) / 30: n = 10 999,700; n = 11 1,009,633.33: BLACK_GOLD from
      // 11 Feb, held 11..15 Feb; n = 15: (27,000,000 + 4,500,000 − 21,000) / 30 = 1,049,300.00; closing 1,197,200
      judged: '2024-02-15',
      priority: 'URGENT', // gated HIGH, raised for a top tier
      reason: 'Eligible, needs approval: BLACK_GOLD (served PLATINUM); 30-day average 1,049,300.00 CZK held above 1,000,000.00 CZK for 5 days',
      average: czk(1_049_300),
      closing: czk(1_197_200),
      floor: czk(1_000_000),
      others: [],
    },
  ])('$name: told once, on the close of $judged, to the RM and the campaign feed', ({ served, opening, deposit, judged, priority, reason, average, closing, floor, others }) => {
    const told = weeks({ served, opening, deposit });
    const upgrades = ofKind(told, 'UPGRADE_ELIGIBLE');
    // one, in the whole month (the average stays above the floor; the RM is told once per tier while served below it)
    expect(brief(upgrades)).toEqual([{ on: plusDays(judged, 1), by: 'timer', kind: 'UPGRADE_ELIGIBLE', priority, feeds: ['campaign', 'rm'] }]);
    expect(brief(told.filter((item) => item.emission.alert.kind !== 'UPGRADE_ELIGIBLE'))).toEqual(others);
    const { alert } = upgrades[0]!.emission;
    expect(alert).toMatchObject({ reason, tier: served, rmId: 'rm-1', amountAtStakeMinor: average, eventTime: endOf(judged), causeTransactionId: null, counterpartyKind: null, toCompetitor: false });
    expect(alert.evidence).toEqual([
      { metric: 'average_balance_rolling30', unit: 'MINOR_UNITS', value: average, threshold: floor, baseline: null },
      { metric: 'closing_balance', unit: 'MINOR_UNITS', value: closing, threshold: null, baseline: null },
    ]);
    // the campaign gets its lean record: no evidence, no balances beyond the amount
    expect(opportunityOf(alert)).toEqual({
      opportunityId: alert.alertId,
      kind: 'UPGRADE_ELIGIBLE',
      customerId: 'c-1',
      rmId: 'rm-1',
      tier: served,
      amountMinor: average,
      currency: 'CZK',
      rulesVersion: alert.rulesVersion,
      eventTime: endOf(judged),
      detectedAt: alert.detectedAt,
    });
  });
});

describe('a one-day spike is not an upgrade', () => {
  it.each([
    {
      // the spot balance is 580,000 (a PLATINUM balance) for one day; the 30-day average holds that day for 30 days but
      // never reaches GOLD: at most (29 × 80,000 + 580,000) / 30 = 96,666.67 (1 Feb and 2 Feb), then lower still as the
      // card payments begin; after 2 Mar the spike is out of the window
      name: 'rolling 30 days: 500,000 in from another bank on 1 Feb, out again on 2 Feb',
      context: core,
      start: '2024-02-01',
    },
    {
      // month to date: (27 × 80,000 + 580,000) / 28 = 97,857.14 on 28 Feb, (27 × 80,000 + 580,000 + 80,000) / 29
      // = 97,241.38 on 29 Feb, and March starts afresh
      name: 'month to date: 500,000 in on 28 Feb, out again on 29 Feb',
      context: coreWith((raw) => (raw.tiers.period = 'monthToDate')),
      start: '2024-02-28',
    },
  ])('$name: never eligible (a balance jump and a near-total exit, nothing more)', ({ context, start }) => {
    const told = weeks({ served: 'SILVER', opening: czk(80_000), deposit: czk(500_000), leaves: true, start, days: 40, context });
    expect(ofKind(told, 'UPGRADE_ELIGIBLE')).toEqual([]);
    // 500,000 from a competitor is a jump (HIGH); leaving again the next day it is 500,000 / 580,000 = 86% of the
    // balance to another bank: a large outflow for the risk team, not an exit (80,000 stays: the customer's normal,
    // which the spike never was). Nothing else in 40 days.
    expect(brief(told)).toEqual([
      { on: start, by: 'transaction', kind: 'LARGE_INFLOW', priority: 'HIGH', feeds: ['campaign', 'rm'] },
      { on: plusDays(start, 1), by: 'transaction', kind: 'LARGE_OUTFLOW', priority: 'HIGH', feeds: ['risk'] },
    ]);
  });

  // The hold is judged on the period average and on each day's close: a spike big enough to lift the period average
  // on its own (3,000,000 onto 80,000 keeps the rolling average at ~180,000 for weeks) has left by the next close.
  it.each([
    { name: 'rolling 30 days: 3,000,000 in on 1 Feb, out on 2 Feb', deposit: czk(3_000_000), context: core },
    { name: 'month to date: 500,000 in on 1 Feb, out on 2 Feb', deposit: czk(500_000), context: coreWith((raw) => (raw.tiers.period = 'monthToDate')) },
  ])('$name: a spike big enough to lift the period average is not an upgrade either', ({ deposit, context }) => {
    const told = weeks({ served: 'SILVER', opening: czk(80_000), deposit, leaves: true, days: 40, context });
    expect(ofKind(told, 'UPGRADE_ELIGIBLE').map(({ emission }) => emission.alert.reason)).toEqual([]);
  });
});

describe('a customer who qualifies and then posts nothing', () => {
  // No posting wakes this customer after 1 Feb: the wake-ups alone must carry the hold. Once the average has caught up
  // with the close (4 Feb: close 240,000 and average (2,400,000 + 4 × 160,000) / 30 = 101,333.33, both GOLD), the tiers
  // of close and average agree, but an average above the served tier not yet told still wakes the customer each day
  // (wake-up.ts), so the hold (4..8 Feb) is seen through: told at 9 Feb 00:01, average (2,400,000 + 8 × 160,000) / 30.
  it('is told on the close of the last hold day, by the wake-up alone', () => {
    const told = weeks({ served: 'SILVER', opening: czk(80_000), deposit: czk(160_000), cards: false, days: 29 });
    expect(brief(told)).toEqual([
      { on: '2024-02-01', by: 'transaction', kind: 'LARGE_INFLOW', priority: 'HIGH', feeds: ['campaign', 'rm'] },
      { on: '2024-02-09', by: 'timer', kind: 'UPGRADE_ELIGIBLE', priority: 'MEDIUM', feeds: ['campaign', 'rm'] },
    ]);
    expect(ofKind(told, 'UPGRADE_ELIGIBLE')[0]!.emission.alert.reason).toBe('Eligible: GOLD (served SILVER); 30-day average 122,666.67 CZK held above 100,000.00 CZK for 5 days');
  });
});

describe('downgrade risk: a valuable customer’s average falling toward the served tier’s floor', () => {
  // each slide below is one transfer: with the rule that a fall one day's transfer carried counts (the shipped
  // rules wait until the money keeps going: the last test), and with every churn score enough to corroborate it (the
  // shipped rules need the score to reach clearBelowScore: the tests after the slides), so the money is what is tested
  const oneDayCounts = coreWith((raw) => {
    raw.tiers.downgrade.oneDayTransferCounts = true;
    raw.churn.clearBelowScore = 0;
  });
  /**
   * A PLATINUM customer (floor 300,000, within 10% above it: under 330,000) holding `opening` since October moves
   * `withdrawal` to another bank (or `to`) on 10 Jan, then pays 100.00 by card every day (with `cards: false`, nothing
   * more); the timer loop runs each day before the posting, as in `weeks`. Answers what was told over 40 days.
   */
  function slide(opening: number, withdrawal: number, cards = true, to: CounterpartyKind = 'OTHER_BANK', context = oneDayCounts, since = '2023-10-01', months?: number[]): Told[] {
    const state = seededState({ balances: { 'a-1': opening }, since: pragueWinter(since), lastActivityAt: pragueWinter('2024-01-05') });
    const store = new MemoryStore([profile({ servedTier: 'PLATINUM' })], context).seed(months === undefined ? state : { ...state, months });
    const ledger = new Ledger('c-1', { 'a-1': opening });
    const told: Told[] = [];
    const record = (on: string, by: Told['by'], emissions: readonly Emission[]) => told.push(...emissions.map((emission) => ({ on, by, emission })));
    record('2024-01-10', 'transaction', store.feed([ledger.debit(withdrawal, pragueWinter('2024-01-10'), { counterpartyKind: to })]).flat());
    for (let day = 1; day <= 40; day += 1) {
      const on = plusDays('2024-01-10', day);
      record(on, 'timer', store.advance(pragueWinter(on)));
      if (cards) record(on, 'transaction', store.feed([ledger.debit(czk(100), pragueWinter(on), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' })]).flat());
    }
    return told;
  }

  it.each([
    {
      name: '400,000 − 100,000 on 10 Jan: the average falls toward the floor',
      opening: czk(400_000),
      withdrawal: czk(100_000),
      // closes: 400,000 until 9 Jan, 300,000 on 10 Jan, then 100.00 less a day; on 9 Jan + n the average is
      // (12,000,000 − 100,000n − 50n(n − 1)) / 30: n = 20 (29 Jan) 332,700; n = 21 (30 Jan) (12,000,000 − 2,100,000
      // − 21,000) / 30 = 329,300.00 < 330,000; 42 days before it was 400,000: 17.7% lower (≥ 10%), and the 100,000 to
      // another bank is more than half of that fall → told at the 31 Jan wake-up, once
      expected: [
        {
          on: '2024-01-31',
          reason:
            'Falling toward the PLATINUM floor: average 329,300.00 CZK, down 18% from its average 14 or 42 days before; floor 300,000.00 CZK; 100,000.00 CZK to other banks and investment platforms in 30 days (usually 0.00 CZK); churn score 6/100',
        },
      ],
      // 100,000 to another bank is under PLATINUM's thresholds: leakage, for the risk feed
      first: [{ on: '2024-01-10', by: 'transaction', kind: 'LEAKAGE', priority: 'LOW', feeds: ['risk'] }],
    },
    {
      name: 'already under the floor (285,000, served PLATINUM)',
      opening: czk(285_000),
      withdrawal: czk(5_000),
      // the average sits under the floor without falling (−1.7% at most): the served tier is for the tier review to
      // settle, not a customer moving away; the RM is not called (it was told before on the first close)
      expected: [],
      first: [{ on: '2024-01-10', by: 'transaction', kind: 'LEAKAGE', priority: 'LOW', feeds: ['risk'] }],
    },
  ])('$name', ({ opening, withdrawal, expected, first }) => {
    const told = slide(opening, withdrawal);
    const risks = ofKind(told, 'DOWNGRADE_RISK');
    expect(risks.map(({ on, emission }) => ({ on, reason: emission.alert.reason }))).toEqual(expected);
    for (const { emission } of risks) expect(summary([emission])).toEqual([{ kind: 'DOWNGRADE_RISK', priority: 'HIGH', feeds: ['rm'] }]); // a top tier
    expect(brief(told.filter(({ emission }) => emission.alert.kind !== 'DOWNGRADE_RISK'))).toEqual(first);
  });

  // A silent customer whose average slides toward a close near the floor is woken daily (wake-up.ts), so the
  // downgrade risk is seen as it builds: PLATINUM, 400,000 → 310,000 on 10 Jan, then silent; the average on 9 Jan + n
  // is 400,000 − 3,000n: 328,000 on 2 Feb (n = 24, under 330,000), 400,000 42 days before: 18% lower.
  it('a silent customer whose average slides toward the floor (close at 310,000, above it) is told too', () => {
    const told = slide(czk(400_000), czk(90_000), false);
    expect(ofKind(told, 'DOWNGRADE_RISK').map(({ on, emission }) => ({ on, reason: emission.alert.reason }))).toEqual([
      {
        on: '2024-02-03',
        reason:
          'Falling toward the PLATINUM floor: average 328,000.00 CZK, down 18% from its average 14 or 42 days before; floor 300,000.00 CZK; 90,000.00 CZK to other banks and investment platforms in 30 days (usually 0.00 CZK); churn score 6/100',
      },
    ]);
  });

  it('a customer seen for less than the 90 days their usual is measured over is not told until they are: before, there is no usual to be above', () => {
    // the slide of the first case, but first seen on 4 Nov: the close of 30 Jan covers 88 days, of 1 Feb 90 (told at
    // the 2 Feb wake-up, the average still falling under the margin)
    expect(ofKind(slide(czk(400_000), czk(100_000), true, 'OTHER_BANK', oneDayCounts, '2023-11-04'), 'DOWNGRADE_RISK').map(({ on }) => on)).toEqual(['2024-02-02']);
    // first seen on 2 Nov: 91 days by 31 Jan, told as in the first case
    expect(ofKind(slide(czk(400_000), czk(100_000), true, 'OTHER_BANK', oneDayCounts, '2023-11-02'), 'DOWNGRADE_RISK').map(({ on }) => on)).toEqual(['2024-01-31']);
  });

  it('a month like one of the half year before is the customer’s range, not a move away: told only above every remembered month', () => {
    // the first case, remembering the block of 19 Nov - 18 Dec 2023 (day 19,709 its last), when the customer sent
    // competitors `sent`: 100,000 to another bank in the last 30 days is news only if it is more than that month's
    const remembering = (sent: number) => ofKind(slide(czk(400_000), czk(100_000), true, 'OTHER_BANK', oneDayCounts, '2023-10-01', [19_709, czk(400_000), sent]), 'DOWNGRADE_RISK').map(({ on }) => on);
    expect(remembering(czk(100_000))).toEqual([]);
    expect(remembering(czk(99_999))).toEqual(['2024-01-31']);
  });

  it('the money alone does not say the customer is leaving: told only when their own churn score reaches clearBelowScore', () => {
    // the first slide (100,000 to another bank on 10 Jan, the cards going on): on the close of 30 Jan the money meets
    // every condition and the customer's churn score is 6 (one transfer, everyday life as before)
    const toldWith = (clearBelowScore?: number) =>
      ofKind(
        slide(czk(400_000), czk(100_000), true, 'OTHER_BANK', coreWith((raw) => {
          raw.tiers.downgrade.oneDayTransferCounts = true;
          if (clearBelowScore !== undefined) raw.churn.clearBelowScore = clearBelowScore;
        })),
        'DOWNGRADE_RISK',
      ).map(({ on, emission }) => [on, emission.alert.evidence.find(({ metric }) => metric === 'churn_score')]);
    expect(toldWith(6)).toEqual([['2024-01-31', { metric: 'churn_score', unit: 'SCORE', value: 6, threshold: 6, baseline: null }]]);
    // a score one under the bar is never enough, however long the average stays near the floor (judged at each close)
    expect(toldWith(7)).toEqual([]);
    // the shipped bar (the scorecard's clearBelowScore, 30): a fall this one transfer carried is not a call
    expect(toldWith()).toEqual([]);
  });

  it('the same fall spent in cash (a car, a wedding) is not a customer moving away: no downgrade risk for the RM', () => {
    expect(ofKind(slide(czk(400_000), czk(100_000), true, 'CASH'), 'DOWNGRADE_RISK')).toEqual([]);
  });

  it('with the shipped rules, one transfer to another bank (a house, a car) is no downgrade risk until the money keeps going', () => {
    expect(ofKind(slide(czk(400_000), czk(100_000), true, 'OTHER_BANK', core), 'DOWNGRADE_RISK')).toEqual([]);
  });
});

describe('upgrade eligibility is news once per crossing, not each time the average wavers around the floor', () => {
  /** SILVER, 120,000.00 (a GOLD average) since October; `moves` on the 1st of the months named; 1.00 by card daily. */
  function year(moves: Record<string, number>): string[] {
    const store = new MemoryStore([profile({ servedTier: 'SILVER' })]).seed(
      seededState({ balances: { 'a-1': czk(120_000) }, since: pragueWinter('2023-10-01'), lastActivityAt: pragueWinter('2024-01-28') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(120_000) });
    const told: string[] = [];
    for (let day = 0; day < 180; day += 1) {
      const on = plusDays('2024-02-01', day);
      const move = moves[on];
      const postings = [ledger.debit(czk(1), pragueWinter(on), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' })];
      if (move !== undefined) postings.push(move > 0 ? ledger.credit(move, pragueWinter(on, '11:00'), { counterpartyKind: 'OWN_ACCOUNT' }) : ledger.debit(-move, pragueWinter(on, '11:00'), { counterpartyKind: 'OWN_ACCOUNT' }));
      for (const emission of [...store.advance(pragueWinter(on)), ...store.feed(postings).flat()]) if (emission.alert.kind === 'UPGRADE_ELIGIBLE') told.push(on);
    }
    return told;
  }

  it('an average that dips a little under the floor (95,000) and comes back is not told again', () => {
    expect(year({ '2024-03-01': -czk(25_000), '2024-04-01': czk(25_000) })).toEqual(['2024-02-01']);
  });

  it('an average that fell well under the floor (70,000) and crosses it again is news again', () => {
    // from 1 May the average climbs from 70,000 by 50,000 / 30 a day: 100,000 on 18 May, held five closes, told 24 May
    expect(year({ '2024-03-01': -czk(50_000), '2024-05-01': czk(50_000) })).toEqual(['2024-02-01', '2024-05-24']);
  });
});
