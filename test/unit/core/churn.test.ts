import { describe, expect, it } from 'vitest';
import { assessChurn } from '../../../src/core/churn.ts';
import { CustomerFeatures } from '../../../src/core/features.ts';
import type { CustomerState, Emission } from '../../../src/core/state.ts';
import type { AlertKind } from '../../../src/domain/alert.ts';
import { DAY, Ledger, MemoryStore, afterCloseOf, calendar, coreWith, czk, dayNo, pragueWinter, profile, rules, seededState, summary } from '../../support/core-fixtures.ts';

/** `isoDate` plus `days` days, as "YYYY-MM-DD". */
const plusDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const endOf = (isoDate: string) => calendar.startOf(dayNo(isoDate) + 1) - 1;

/** The churn score of a stored state as of the close of a day, with the shipped weights (what a day close computes). */
const churnAsOf = (state: CustomerState, isoDate: string) => assessChurn(state, new CustomerFeatures(state, dayNo(isoDate), calendar), rules, calendar);

// The shipped weights add up to 100 (leakage 30, drawdown 20, activity decline 15, regular income stopped 20,
// dormancy 10, RFM slide 5), so a signal present in full adds its weight, and one present at strength s adds s × weight.
it('the shipped weights add up to 100', () => {
  expect(rules.churn.weights).toEqual({ leakage: 30, drawdown: 20, activityDecline: 15, regularIncomeStopped: 20, dormancy: 10, rfmSlide: 5 });
  expect(rules.churn).toMatchObject({ alertFromScore: 60, clearBelowScore: 40, escalateBy: 15, regularIncomeGapDays: 40, minAverageBalanceMinor: czk(20_000) });
});

describe('a pension that stops', () => {
  const SCOPE = 'tx/0/c-1';

  /**
   * A pensioner, GOLD with 150,000.00 since September 2023: on the 15th of October..January the pension (20,000.00)
   * arrives from the state's bank at 08:00 (a system posting, not the customer's doing) and the customer draws
   * 20,000.00 at an ATM at 14:00, so every daily close is 150,000. No pension comes in February. With `moves`, the
   * customer also moves 120,000.00 of the 150,000 to another bank on 20 Feb.
   */
  function pensioner(moves: boolean) {
    const store = new MemoryStore([profile({ servedTier: 'GOLD' })]).seed(
      seededState({ balances: { 'a-1': czk(150_000) }, since: pragueWinter('2023-09-01'), lastActivityAt: pragueWinter('2023-09-30') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(150_000) });
    const told: Emission[] = [];
    for (const day of ['2023-10-15', '2023-11-15', '2023-12-15', '2024-01-15']) {
      told.push(...store.advance(pragueWinter(day, '08:00')));
      const pension = ledger.credit(czk(20_000), pragueWinter(day, '08:00'), { category: 'PENSION', counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0710', initiatedBy: 'SYSTEM', channel: 'SYSTEM' });
      const cash = ledger.debit(czk(20_000), pragueWinter(day, '14:00'), { category: 'CASH', counterpartyKind: 'CASH', channel: 'ATM' });
      told.push(...store.feed([pension, cash]).flat());
    }
    if (moves) {
      told.push(...store.advance(pragueWinter('2024-02-20')));
      told.push(...store.feed([ledger.debit(czk(120_000), pragueWinter('2024-02-20'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0300' })]).flat());
    }
    return { store, told };
  }

  it('the wake-up comes when the pension is overdue; the score then holds “salary or pension … last arrived 41 days ago” (20 of 100)', () => {
    const { store, told } = pensioner(false);
    expect(told).toEqual([]);
    // after 15 Jan: the close of that day (16 Jan 00:01) is judged first, quietly; then the earliest wake-up is the
    // overdue pension: last credit 15 Jan + 40 days (regularIncomeGapDays) + 1 = the close of 25 Feb, judged 26 Feb
    // 00:01, before the first dormancy stage (60 days after the ATM withdrawal of 15 Jan 14:00: 15 Mar 14:00)
    expect(store.timers.get(SCOPE)).toBe(afterCloseOf('2024-01-15'));
    expect(store.sweep(afterCloseOf('2024-01-15')).emissions).toEqual([]);
    expect(store.timers.get(SCOPE)).toBe(afterCloseOf('2024-02-25'));
    const overdue = store.sweep(afterCloseOf('2024-02-25'));
    expect(overdue.emissions).toEqual([]); // 20 < alertFromScore 60
    expect(store.state().evaluatedDay).toBe(dayNo('2024-02-25'));
    expect(store.timers.get(SCOPE)).toBe(pragueWinter('2024-01-15', '14:00') + 60 * DAY);

    // 24 Feb: 40 days since the last pension, not more than regularIncomeGapDays: nothing yet
    expect(churnAsOf(store.state(), '2024-02-24')).toEqual({ score: 0, signals: [] });
    // 25 Feb: 41 days. The pension came monthly 4 times in a row (15 Oct, 15 Nov, 15 Dec, 15 Jan: 31, 30, 31 days
    // apart): a regular income that stopped, in full: 100 × 20 × 1 / 100 = 20. Nothing else: the closes never moved
    // (no drawdown), nothing left for a competitor, one own transaction a month (under the 4 a month an activity
    // baseline needs), silent 41 days (under the first dormancy stage, 60), and the RFM segment never was IMPORTANT_VALUE.
    expect(store.state().regularIncome).toEqual([dayNo('2024-01-15'), 4]);
    expect(churnAsOf(store.state(), '2024-02-25')).toEqual({
      score: 20,
      signals: [
        {
          name: 'regularIncomeStopped',
          strength: 1,
          points: 20,
          reason: 'salary or pension credit, monthly 4 times in a row, last arrived 41 days ago',
          evidence: [
            { metric: 'days_since_regular_income', unit: 'DAYS', value: 41, threshold: 40, baseline: null },
            { metric: 'regular_income_streak', unit: 'COUNT', value: 4, threshold: null, baseline: null },
          ],
        },
      ],
    });
  });

  it.each([
    // the close of, days since the pension of 15 Jan → does the stopped pension count
    ['2024-02-24', 40, false], // not more than regularIncomeGapDays (40)
    ['2024-02-25', 41, true],
    ['2024-03-25', 70, true], // the 15 Dec pension has left the 90 days of buckets; the rhythm is remembered apart
    ['2024-07-13', 180, true],
    ['2024-07-14', 181, false], // forgotten after 180 days: the customer has moved on (churn.ts)
  ])('on the close of %s, %i days after the last pension, it counts as stopped: %s', (day, silent, counts) => {
    const { store } = pensioner(false);
    const stopped = churnAsOf(store.state(), day).signals.find((signal) => signal.name === 'regularIncomeStopped');
    if (!counts) expect(stopped).toBeUndefined();
    else expect(stopped).toMatchObject({ points: 20, reason: `salary or pension credit, monthly 4 times in a row, last arrived ${silent} days ago` });
  });

  it('with the savings moved to another bank too: CHURN_RISK 70 (leakage 30 + drawdown 20 + pension 20) on the close of 25 Feb', () => {
    const { store, told } = pensioner(true);
    // 120,000 of 150,000 to another bank is 80% of the balance: a near-total exit, at once
    expect(summary(told)).toEqual([{ kind: 'LARGE_OUTFLOW', priority: 'URGENT', feeds: ['risk', 'rm'] }]);
    // closes from 20 Feb: 30,000 (GOLD's floor is far: the average, 126,000 on 25 Feb, is not yet within 10% of it)
    // 20..24 Feb: leakage in full (30) + drawdown in full (20) = 50 < 60, no alert; 25 Feb adds the pension: 70
    expect(churnAsOf(store.state(), '2024-02-24').score).toBe(50);
    const daily = store.advance(afterCloseOf('2024-02-25'));
    expect(summary(daily)).toEqual([{ kind: 'CHURN_RISK', priority: 'MEDIUM', feeds: ['rm'] }]); // under 80, not a top tier
    const { alert } = daily[0]!;
    // leakage: 120,000 in the 14 days to 25 Feb / 90-day average (84 × 150,000 + 6 × 30,000) / 90 = 142,000
    //   = 84.51% ≥ leakageFullShareBp 50%: full, 30; usual monthly outflow to competitors before: none
    // drawdown: (150,000 − 30,000) / 150,000 = 80% ≥ drawdownFullBp 70%: full, 20
    // pension: stopped, 41 days: full, 20 → 70; drawdown before pension on the tie of 20 points (by name)
    expect(alert.reason).toBe(
      'Churn risk 70/100: outflow to other banks and investment platforms 85% of 90-day average balance in 14 days; usual monthly outflow 0%; ' +
        'balance 80% below its 90-day peak of 150,000.00 CZK; salary or pension credit, monthly 4 times in a row, last arrived 41 days ago',
    );
    expect(alert.evidence).toEqual([
      { metric: 'churn_score', unit: 'SCORE', value: 70, threshold: 60, baseline: null },
      { metric: 'competitor_outflow_share_14d', unit: 'BASIS_POINTS', value: 8451, threshold: 5000, baseline: 0 },
      { metric: 'average_daily_balance_90d', unit: 'MINOR_UNITS', value: czk(142_000), threshold: null, baseline: null },
      { metric: 'drawdown_from_90d_peak', unit: 'BASIS_POINTS', value: 8000, threshold: 7000, baseline: null },
      { metric: 'peak_balance_90d', unit: 'MINOR_UNITS', value: czk(150_000), threshold: null, baseline: null },
      { metric: 'closing_balance', unit: 'MINOR_UNITS', value: czk(30_000), threshold: null, baseline: czk(150_000) },
      { metric: 'days_since_regular_income', unit: 'DAYS', value: 41, threshold: 40, baseline: null },
      { metric: 'regular_income_streak', unit: 'COUNT', value: 4, threshold: null, baseline: null },
    ]);
    // at stake: the 30-day average, (24 × 150,000 + 6 × 30,000) / 30 = 126,000
    expect(alert).toMatchObject({ amountAtStakeMinor: czk(126_000), eventTime: endOf('2024-02-25'), tier: 'GOLD', causeTransactionId: null });
  });
});

describe('a top-tier customer withdraws (nearly) everything to another bank', () => {
  /**
   * PLATINUM (rm-7), 950,000.00 since September 2023. With `cards`, the customer paid 1,000.00 by card every third day
   * from 14 Oct to 13 Dec (21 payments: the everyday banking moved elsewhere first), leaving 929,000. On 10 Jan
   * 900,000.00 goes to another bank. The timer loop runs before each posting, and once more at 11 Jan 00:01.
   */
  function exit(options: { cards: boolean; suppressed?: Partial<Record<AlertKind, number>> }) {
    const seeded = seededState({ balances: { 'a-1': czk(950_000) }, since: pragueWinter('2023-09-01'), lastActivityAt: pragueWinter('2023-09-30') });
    seeded.suppressed = options.suppressed ?? {};
    const store = new MemoryStore([profile({ servedTier: 'PLATINUM', rmId: 'rm-7' })]).seed(seeded);
    const ledger = new Ledger('c-1', { 'a-1': czk(950_000) });
    const before: Emission[] = [];
    if (options.cards) {
      for (let payment = 0; payment <= 20; payment += 1) {
        const day = plusDays('2023-10-14', 3 * payment);
        before.push(...store.advance(pragueWinter(day)));
        before.push(...store.feed([ledger.debit(czk(1_000), pragueWinter(day), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' })]).flat());
      }
    }
    before.push(...store.advance(pragueWinter('2024-01-10')));
    const withdrawal = store.feed([ledger.debit(czk(900_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK', counterpartyBankCode: '0800' })]).flat();
    const close = store.advance(afterCloseOf('2024-01-10'));
    return { store, ledger, before, withdrawal, close };
  }

  it('after the card spending had moved, the close of the exit day is a CHURN_RISK, the strongest reasons first', () => {
    const { store, before, withdrawal, close } = exit({ cards: true });
    expect(before).toEqual([]);
    // 900,000 of 929,000 (96.88%) to another bank: URGENT at once (outflow.test.ts has its evidence)
    expect(summary(withdrawal)).toEqual([{ kind: 'LARGE_OUTFLOW', priority: 'URGENT', feeds: ['risk', 'rm'] }]);
    // the close of 10 Jan, judged at 11 Jan 00:01:
    // leakage: 900,000 in 14 days / 90-day average (13 Oct .. 10 Jan: 90 × 950,000 − 1,000 × Σ(89 − 3k, k = 0..20)
    //   − 900,000 = 85,500,000 − 1,239,000 − 900,000 = 83,361,000; / 90 = 926,233.33) = 97.17%: full, 30
    // drawdown: (950,000 − 29,000) / 950,000 = 96.95%: full, 20
    // activity: 22 own transactions in 90 days (21 card payments and the transfer), 2 in the last 30 (13 Dec, 10 Jan):
    //   usually (22 − 2) / 2 = 10 a month; 1 − 2 / 10 = 0.8 of 15 = 12
    // 30 + 20 + 12 = 62 ≥ 60: MEDIUM, raised to HIGH for a PLATINUM customer
    expect(summary(close)).toEqual([{ kind: 'CHURN_RISK', priority: 'HIGH', feeds: ['rm'] }]);
    const { alert } = close[0]!;
    expect(alert.reason).toBe(
      'Churn risk 62/100: outflow to other banks and investment platforms 97% of 90-day average balance in 14 days; usual monthly outflow 0%; ' +
        'balance 97% below its 90-day peak of 950,000.00 CZK; 2 customer-initiated transactions in the last 30 days; usually 10',
    );
    expect(alert.evidence).toEqual([
      { metric: 'churn_score', unit: 'SCORE', value: 62, threshold: 60, baseline: null },
      { metric: 'competitor_outflow_share_14d', unit: 'BASIS_POINTS', value: 9717, threshold: 5000, baseline: 0 },
      { metric: 'average_daily_balance_90d', unit: 'MINOR_UNITS', value: 92_623_333, threshold: null, baseline: null },
      { metric: 'drawdown_from_90d_peak', unit: 'BASIS_POINTS', value: 9695, threshold: 7000, baseline: null },
      { metric: 'peak_balance_90d', unit: 'MINOR_UNITS', value: czk(950_000), threshold: null, baseline: null },
      { metric: 'closing_balance', unit: 'MINOR_UNITS', value: czk(29_000), threshold: null, baseline: czk(950_000) },
      { metric: 'customer_transactions_30d', unit: 'COUNT', value: 2, threshold: null, baseline: 10 },
    ]);
    // at stake: the 30-day average, (930,000 + 28 × 929,000 + 29,000) / 30 = 899,033.33
    expect(alert).toMatchObject({ rmId: 'rm-7', tier: 'PLATINUM', amountAtStakeMinor: 89_903_333, eventTime: endOf('2024-01-10') });
    expect(store.state().churn).toEqual({ since: dayNo('2024-01-10'), toldScore: 62 });
  });

  it('the exit alone, with the shipped weights, is leakage 30 + drawdown 20 = 50 of 100', () => {
    const { store, close } = exit({ cards: false });
    // 900,000 / (89 × 950,000 + 50,000) / 90 = 95.74%: full; (950,000 − 50,000) / 950,000 = 94.74%: full
    expect(churnAsOf(store.state(), '2024-01-10')).toMatchObject({ score: 50, signals: [{ name: 'leakage', points: 30 }, { name: 'drawdown', points: 20 }] });
    expect(close).toEqual([]);
  });

  // By design: one transaction is told at once by LARGE_OUTFLOW (URGENT for a near-total exit); the score needs a
  // second signal (leakage 30 + drawdown 20 = 50 < 60 with the default weights), so one exit is not told twice.
  it('the exit alone is told by its URGENT LARGE_OUTFLOW, not again as a CHURN_RISK', () => {
    const { store, close } = exit({ cards: false });
    const later = store.advance(pragueWinter('2024-02-09'));
    expect([...close, ...later].map((emission) => emission.alert.kind)).not.toContain('CHURN_RISK');
  });

  it.each([
    // "not interested" (state.suppressed: kind → until) keeps a kind off the RM (and campaign) feeds, never off the risk feed
    { name: 'nothing suppressed', suppressed: {}, withdrawal: ['risk', 'rm'], close: [{ kind: 'CHURN_RISK', priority: 'HIGH', feeds: ['rm'] }] },
    // CHURN_RISK goes to the RM only: with the RM not interested there is no feed left to send it to
    { name: 'CHURN_RISK not interested until 1 Apr', suppressed: { CHURN_RISK: pragueWinter('2024-04-01') }, withdrawal: ['risk', 'rm'], close: [] },
    {
      name: 'CHURN_RISK and LARGE_OUTFLOW not interested until 1 Apr: the risk team still hears of the exit',
      suppressed: { CHURN_RISK: pragueWinter('2024-04-01'), LARGE_OUTFLOW: pragueWinter('2024-04-01') },
      withdrawal: ['risk'],
      close: [],
    },
    { name: 'a suppression that ended on 5 Jan', suppressed: { CHURN_RISK: pragueWinter('2024-01-05') }, withdrawal: ['risk', 'rm'], close: [{ kind: 'CHURN_RISK', priority: 'HIGH', feeds: ['rm'] }] },
  ])('$name', ({ suppressed, withdrawal: feeds, close: expected }) => {
    const { withdrawal, close } = exit({ cards: true, suppressed });
    expect(summary(withdrawal)).toEqual([{ kind: 'LARGE_OUTFLOW', priority: 'URGENT', feeds }]);
    expect(summary(close)).toEqual(expected);
  });
});

describe('hysteresis and escalation', () => {
  // The score moved by one signal alone: weights with drawdown only (20 of 20), so the score is
  // round(100 × min(1, fall from the 90-day peak / 70%)); alertFromScore 60, clearBelowScore 40, escalateBy 15 as shipped.
  const drawdownOnly = coreWith((raw) => (raw.churn.weights = { leakage: 0, drawdown: 20, activityDecline: 0, regularIncomeStopped: 0, dormancy: 0, rfmSlide: 0 }));
  const cash = { category: 'CASH', channel: 'BRANCH', counterpartyKind: 'CASH' } as const;

  // GOLD, 250,000.00 steady (the peak). Cash in and out at a branch, each under GOLD's outflow thresholds (200,000, or
  // half the balance) and inflow thresholds (200,000, or the whole 30-day average): only the churn score speaks.
  const days = [
    // day, cash (+ in, − out), close, fall, score → what the close tells (judged at the next day's 00:01 wake-up)
    { day: '2024-01-10', cash: -112_500, close: 137_500, score: 64, told: { score: 64, priority: 'MEDIUM', rising: false } }, // 45% / 70% → opens
    { day: '2024-01-11', cash: +12_500, close: 150_000, score: 57, told: null }, // 40%: a little below 60, the episode stays open
    { day: '2024-01-12', cash: -12_500, close: 137_500, score: 64, told: null }, // back above 60: the same episode, not told again
    { day: '2024-01-13', cash: -24_000, close: 113_500, score: 78, told: null }, // 54.6%: +14 over the 64 told, under escalateBy
    { day: '2024-01-14', cash: -1_750, close: 111_750, score: 79, told: { score: 79, priority: 'HIGH', rising: true } }, // 55.3%: +15, raised
    { day: '2024-01-15', cash: +88_250, close: 200_000, score: 29, told: null }, // 20%: under clearBelowScore 40, the episode ends
    { day: '2024-01-16', cash: -62_500, close: 137_500, score: 64, told: { score: 64, priority: 'MEDIUM', rising: false } }, // a new episode
  ];

  it('a dip under 60 and back is one episode; +15 escalates with a raised priority; under 40 and back up is a new episode with a new id', () => {
    const store = new MemoryStore([profile({ servedTier: 'GOLD' })], drawdownOnly).seed(
      seededState({ balances: { 'a-1': czk(250_000) }, since: pragueWinter('2023-10-01'), lastActivityAt: pragueWinter('2024-01-05') }),
    );
    const ledger = new Ledger('c-1', { 'a-1': czk(250_000) });
    const alerts: Emission[] = [];
    for (const { day, cash: amount, close, score, told } of days) {
      const posting = amount < 0 ? ledger.debit(czk(-amount), pragueWinter(day), cash) : ledger.credit(czk(amount), pragueWinter(day), cash);
      expect(store.advance(pragueWinter(day))).toEqual([]); // the previous close was told (or not) at 00:01 already
      expect(store.feed([posting]).flat()).toEqual([]);
      expect(ledger.balance()).toBe(czk(close));
      // fall in basis points of the 250,000 peak, / 7000, × 100, rounded
      expect(Math.round((100 * Math.round(((czk(250_000) - czk(close)) * 10_000) / czk(250_000))) / 7_000)).toBe(score);
      const closing = store.advance(afterCloseOf(day));
      expect(summary(closing)).toEqual(told === null ? [] : [{ kind: 'CHURN_RISK', priority: told.priority, feeds: ['rm'] }]);
      if (told !== null) {
        const { alert } = closing[0]!;
        expect(alert.reason.startsWith(`${told.rising ? 'Churn risk rising' : 'Churn risk'} ${told.score}/100: balance `)).toBe(true);
        expect(alert.eventTime).toBe(endOf(day));
        alerts.push(closing[0]!);
      }
      // an episode is open from the first alert until the close under 40
      const open = day >= '2024-01-10' && day !== '2024-01-15';
      expect(store.state().churn !== null).toBe(open);
    }
    // escalation: the evidence says against what it rose (the score told before)
    expect(alerts.map(({ alert }) => alert.evidence[0])).toEqual([
      { metric: 'churn_score', unit: 'SCORE', value: 64, threshold: 60, baseline: null },
      { metric: 'churn_score', unit: 'SCORE', value: 79, threshold: 60, baseline: 64 },
      { metric: 'churn_score', unit: 'SCORE', value: 64, threshold: 60, baseline: null },
    ]);
    // the same score in two episodes is two alerts: ids differ (the episode's first day is part of the cause)
    expect(new Set(alerts.map(({ alert }) => alert.alertId)).size).toBe(3);
  });
});
