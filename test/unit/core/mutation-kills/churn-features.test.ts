import { describe, expect, it } from 'vitest';
import { churnFeatureNames, measureChurn } from '../../../../src/core/churn-features.ts';
import { assessChurn } from '../../../../src/core/churn.ts';
import { CustomerFeatures, seriesFeatures } from '../../../../src/core/features.ts';
import { formatMoney } from '../../../../src/core/money.ts';
import { scorecardOf } from '../../../../src/core/rules.ts';
import { Ledger, MemoryStore, calendar, coreWith, czk, dayNo, pragueWinter, profile, rules as baseRules, seededState } from '../../../support/core-fixtures.ts';

/** Features are rounded to 4 decimals (a replay and the service agree). */
const round = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * One customer known since September with 120,000.00, judged as of 31 Jan: the 60 days before the last 30 (3 Nov to
 * 2 Jan) are the usual, 3 to 31 Jan the recent. Each feature is checked against the measurements it is made of, so
 * that a ratio turned upside down, a window off by a day or a guard dropped is noticed.
 */
function measured(january: (ledger: Ledger) => ReturnType<Ledger['debit']>[], options: { opening?: number; salary?: boolean; salaryDays?: readonly string[] } = {}) {
  const opening = options.opening ?? czk(120_000);
  const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': opening }, since: pragueWinter('2023-09-01') }));
  const ledger = new Ledger('c-1', { 'a-1': opening });
  const card = (day: string) => ledger.debit(czk(1_000), pragueWinter(day), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' });
  const usual = [
    ...(options.salary === true ? (options.salaryDays ?? ['2023-11-15', '2023-12-15']).map((day) => ledger.credit(czk(30_000), pragueWinter(day), { category: 'SALARY', counterpartyKind: 'OTHER_BANK', initiatedBy: 'SYSTEM', channel: 'SYSTEM' })) : []),
    card('2023-11-10'),
    card('2023-11-20'),
    ledger.credit(czk(6_000), pragueWinter('2023-11-25'), { counterpartyKind: 'OTHER_BANK' }),
    ledger.debit(czk(10_000), pragueWinter('2023-12-01'), { counterpartyKind: 'OTHER_BANK' }),
    card('2023-12-10'),
    card('2023-12-20'),
  ];
  store.feed([...usual, ...january(ledger)]);
  return measureChurn(store.state(), new CustomerFeatures(store.state(), dayNo('2024-01-31'), calendar), calendar);
}

describe('churn features are made of the measurements they name', () => {
  it('every money share is the amount over the 90-day average balance, and every "against usual" the recent over the usual', () => {
    const { vector, measured: m } = measured((ledger) => [
      ledger.debit(czk(20_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' }),
      ledger.debit(czk(20_000), pragueWinter('2024-01-20'), { counterpartyKind: 'INVESTMENT_PLATFORM' }),
      ledger.debit(czk(3_000), pragueWinter('2024-01-15'), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' }),
      ledger.credit(czk(2_000), pragueWinter('2024-01-16'), { counterpartyKind: 'SAME_BANK_CUSTOMER' }),
    ]);
    // the usual per 30 days: the 60 days before the last 30, halved
    expect(m.competitorUsual).toBe(czk(5_000));
    expect(m.spendUsual).toBe(czk(2_000));
    // money in is compared over halves of the 90 days (a monthly income a few days late stays in its window): the
    // 45 days before the last 45 (3 Nov to 17 Dec) held the 6,000 of 25 Nov
    expect(m.inflowUsual).toBe(czk(6_000));
    // the recent 30 days (money in: the last 45)
    expect(m.competitorRecent).toBe(czk(40_000));
    expect(m.spendRecent).toBe(czk(3_000));
    expect(m.inflowRecent).toBe(czk(2_000));
    expect(m.largestOutflow).toBe(czk(20_000));
    // net flow: money in less everything that left (competitors and everyday spending), own accounts apart
    expect(m.netFlow).toBe(czk(2_000) - czk(43_000));
    expect(vector.competitorOutflowShare).toBe(round(m.competitorRecent / m.average90));
    expect(vector.largestOutflowShare).toBe(round(m.largestOutflow / m.average90));
    expect(vector.netFlowShare).toBe(round(m.netFlow / m.average90));
    expect(vector.competitorOutflowVsUsual).toBe(8);
    expect(vector.spendVsUsual).toBe(1.5);
    expect(vector.inflowVsUsual).toBe(round(2 / 6));
    // two transfer days against one in the 60 days before: one and a half beyond the usual half a day per 30
    expect([m.competitorTransfersRecent, m.competitorTransfersUsual, vector.competitorTransfersAboveUsual]).toEqual([2, 0.5, 1.5]);
    // customer-initiated: 4 cards, the credit and the transfer usually (3 per 30 days); 4 in January
    expect([m.activityRecent, m.activityUsual, vector.activityVsUsual]).toEqual([4, 3, round(4 / 3)]);
    expect(vector.closeVsNormal).toBe(round(m.close / m.normal));
    // the usual low: the lowest close of 3 Nov to 2 Dec (114,000.00, after the transfer of 1 Dec) and of 3 Dec to 1 Jan
    // (112,000.00, after the card of 20 Dec), averaged; January fell below it by a third of the peak (124,000.00 from 25 Nov)
    expect([m.usualLow, m.peak, m.close]).toEqual([czk(113_000), czk(124_000), czk(71_000)]);
    expect(vector.fallBelowUsualLow).toBe(round((m.usualLow! - m.close) / m.peak!));
    // the last own transaction was the transfer of 20 Jan: 11 days
    expect(m.silentDays).toBe(11);
    expect(vector.silenceVsUsual).toBe(round(11 / m.usualGapDays));
    expect(m.usualGapDays).toBe(90 / 10);
  });

  it('money in that came 34 days ago (a monthly income paid a few days late) still counts as money coming in', () => {
    // a transfer from another bank on 28 Dec, nothing in January yet: a 30-day window (2 to 31 Jan) would read it as
    // money in stopped; the last 45 days (18 Dec to 31 Jan) hold it, against the 6,000 of the 45 days before
    const { vector, measured: m } = measured((ledger) => [ledger.credit(czk(30_000), pragueWinter('2023-12-28'), { counterpartyKind: 'OTHER_BANK' })]);
    expect([m.inflowRecent, m.inflowUsual]).toEqual([czk(30_000), czk(6_000)]);
    expect(vector.inflowVsUsual).toBe(5);
  });

  it('an overdue income counts from the second monthly arrival, in months since it last came', () => {
    const { vector, measured: m } = measured(() => [], { salary: true });
    // last salary 15 Dec: 47 days before 31 Jan
    expect(m.incomeSilentDays).toBe(47);
    expect(vector.incomeOverdue).toBe(round(47 / 30));
    expect(vector.inflowVsUsual).toBe(0);
  });

  it('a semi-monthly salary that stopped is overdue too; a single salary and an extra days later are no rhythm', () => {
    // halves on 1 and 15 Dec: 47 days since the last on 31 Jan
    expect(measured(() => [], { salary: true, salaryDays: ['2023-12-01', '2023-12-15'] }).vector.incomeOverdue).toBe(round(47 / 30));
    expect(measured(() => [], { salary: true, salaryDays: ['2023-12-10', '2023-12-15'] }).vector.incomeOverdue).toBeNull();
  });

  it('money shares are null when there is no balance to compare with, and so is everything against a usual of nothing', () => {
    const { vector } = measured(() => [], { opening: 0 });
    // the opening was nothing; the usual months drained it below zero: no average balance to share against
    expect(vector.competitorOutflowShare).toBeNull();
    expect(vector.largestOutflowShare).toBeNull();
    expect(vector.netFlowShare).toBeNull();
    expect(vector.competitorTransfersAboveUsual).toBeNull();
    expect(vector.closeVsNormal).toBeNull();
    expect(vector.competitorTurnover).toBeNull();
  });

  it('a balance that never rose above nothing has no peak to fall from: no fall below the usual low', () => {
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': 0 }, since: pragueWinter('2023-09-01') }));
    const ledger = new Ledger('c-1', { 'a-1': 0 });
    const card = (amount: number, day: string) => ledger.debit(amount, pragueWinter(day), { category: 'CARD', channel: 'CARD' });
    store.feed([card(czk(1_000), '2023-11-10'), card(czk(500), '2024-01-20')]);
    const { vector, measured: m } = measureChurn(store.state(), new CustomerFeatures(store.state(), dayNo('2024-01-31'), calendar), calendar);
    expect([m.peak, m.usualLow, m.close]).toEqual([0, -czk(1_000), -czk(1_500)]);
    expect(vector.fallBelowUsualLow).toBeNull();
  });

  it('a customer not seen for 90 days has neither a usual low nor a peak (the peak is read only beside it), on the series too', () => {
    const since = pragueWinter('2023-11-05');
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(50_000) }, since }));
    const ledger = new Ledger('c-1', { 'a-1': czk(50_000) });
    store.feed([ledger.credit(czk(9_000), pragueWinter('2023-11-10'), { counterpartyKind: 'OTHER_BANK' }), ledger.debit(czk(30_000), pragueWinter('2024-01-20'), { counterpartyKind: 'OTHER_BANK' })]);
    for (const day of [dayNo('2024-01-31'), calendar.dayOf(since) + 88]) {
      for (const features of [new CustomerFeatures(store.state(), day, calendar), seriesFeatures(store.state(), day, calendar)]) {
        const { vector, measured: m } = measureChurn(store.state(), features, calendar);
        expect([m.peak, m.usualLow, vector.fallBelowUsualLow]).toEqual([null, null, null]);
      }
    }
    // the first day with 90 days seen reads both (the usual low: 50,000.00 before the credit of 10 Nov, 59,000.00 after)
    const { measured: seen } = measureChurn(store.state(), seriesFeatures(store.state(), calendar.dayOf(since) + 89, calendar), calendar);
    expect([seen.peak, seen.usualLow]).toEqual([czk(59_000), czk(54_500)]);
  });
});

describe('each reason an RM reads names the feature with the customer’s own numbers', () => {
  it('one reason per feature that raised the score, the measurements in words and the evidence in exact integers', () => {
    // a scorecard where every feature, whatever its value, adds one point against its usual bin
    const { rules } = coreWith((raw) => void (raw.churn.scorecard = { ...scorecardOf(baseRules), features: churnFeatureNames.map((name) => ({ name, edges: [-1_000], points: [0, 1], missingPoints: 0, normalBin: 0 })) }));
    const scenario = (ledger: Ledger) => [
      ledger.debit(czk(20_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' }),
      ledger.debit(czk(20_000), pragueWinter('2024-01-20'), { counterpartyKind: 'INVESTMENT_PLATFORM' }),
    ];
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(120_000) }, since: pragueWinter('2023-09-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(120_000) });
    // a salary small against the balance: the months' average balance does not grow, so January's transfers are a run
    const salary = (day: string) => ledger.credit(czk(3_000), pragueWinter(day), { category: 'SALARY', counterpartyKind: 'OTHER_BANK', initiatedBy: 'SYSTEM', channel: 'SYSTEM' });
    store.feed([salary('2023-11-15'), ledger.debit(czk(1_000), pragueWinter('2023-11-20'), { category: 'CARD', channel: 'CARD' }), salary('2023-12-15'), ...scenario(ledger)]);
    const features = new CustomerFeatures(store.state(), dayNo('2024-01-31'), calendar);
    const m = measureChurn(store.state(), features, calendar).measured;
    const { signals } = assessChurn(store.state(), features, rules, calendar);
    const money = (amount: number) => formatMoney(amount, 'CZK');
    const reasons = Object.fromEntries(signals.map((signal) => [signal.name, signal.reason]));
    const shareOf = (amount: number) => `${Math.round((amount / m.average90) * 100)}%`;
    // every feature but activity, whose usual (one card payment in 60 days: half a transaction a month) is no baseline
    expect(reasons).toEqual({
      closeVsNormal: `balance ${Math.round((m.close / m.normal) * 100)}% of its usual level (${money(m.close)} against ${money(m.normal)})`,
      fallBelowUsualLow: `balance ${money(m.close)} against a usual low of ${money(m.usualLow!)}: down ${Math.round(Math.max(0, (m.usualLow! - m.close) / m.peak!) * 100)}% of its 90-day peak of ${money(m.peak!)}`,
      competitorOutflowShare: `${money(czk(40_000))} to other banks and investment platforms in 30 days, ${shareOf(czk(40_000))} of the 90-day average balance`,
      competitorOutflowVsUsual: `outflow to competitors 20.0× the usual (${money(czk(40_000))} in 30 days; usually ${money(0)})`,
      competitorTransfersAboveUsual: 'money went to other banks or investment platforms on 2 days in 30; usually 0.0',
      largestOutflowShare: `${money(czk(20_000))} left in one day, ${shareOf(czk(20_000))} of the 90-day average balance`,
      netFlowShare: `net outflow of ${money(czk(40_000))} in 30 days, ${shareOf(czk(40_000))} of the 90-day average balance`,
      inflowVsUsual: `money in 0% of the usual (${money(0)} in 45 days; ${money(m.inflowUsual)} in the 45 days before)`,
      spendVsUsual: `everyday spending 0% of the usual (${money(0)} in 30 days; usually ${money(czk(500))})`,
      incomeOverdue: 'the regular salary or pension last arrived 47 days ago',
      silenceVsUsual: `no customer-initiated activity for 11 days; usually one every ${Math.round(90 / 3)} days`,
      // the second transfer beyond the largest day, nothing sent before; the balance rose (no drain: bin 0, point here only by this card)
      drainToCompetitors: `${money(czk(20_000))} to competitors in repeated transfers beyond the usual over two months, while the average balance went from ${money(m.averageBefore)} to ${money(m.average30)}`,
      // the remembered 30-day block that ended on 17 Jan holds the transfer of 10 Jan; the three before it none
      competitorMonthsAboveBefore: `${money(czk(20_000))} in the last month to other banks and investment platforms; ${money(0)} a month before`,
      // nothing went to competitors in the 60 days before the last 30
      competitorTurnover: `usually ${money(0)} a month to other banks and investment platforms, 0% of the 90-day average balance`,
      // the second transfer beyond the largest day; the three remembered months before the last 30 days sent nothing
      competitorOutflowVsLargestMonth: `${money(czk(20_000))} to other banks and investment platforms in 30 days beyond the largest day; at most ${money(0)} in one of the 3 remembered months before`,
    });
    const evidence = Object.fromEntries(signals.map((signal) => [signal.name, signal.evidence]));
    // what each reason's evidence measures (metric names are the API downstream systems read)
    expect(Object.fromEntries(signals.map((signal) => [signal.name, signal.evidence.map((item) => item.metric)]))).toEqual({
      closeVsNormal: ['closing_balance'],
      fallBelowUsualLow: ['fall_below_usual_low', 'usual_low_balance', 'sustained_peak_balance_90d'],
      competitorOutflowShare: ['competitor_outflow_share_30d', 'competitor_outflow_30d'],
      competitorOutflowVsUsual: ['competitor_outflow_30d'],
      competitorTransfersAboveUsual: ['competitor_transfer_days_30d'],
      largestOutflowShare: ['largest_daily_outflow_30d'],
      netFlowShare: ['net_flow_30d', 'average_daily_balance_90d'],
      inflowVsUsual: ['inflow_45d'],
      spendVsUsual: ['everyday_spending_30d'],
      incomeOverdue: ['days_since_regular_income'],
      silenceVsUsual: ['days_without_customer_activity'],
      drainToCompetitors: ['average_daily_balance_30d', 'competitor_outflow_excess_60d'],
      competitorMonthsAboveBefore: ['competitor_months_above_before', 'competitor_outflow_per_month'],
      competitorTurnover: ['competitor_outflow_usual_30d'],
      competitorOutflowVsLargestMonth: ['competitor_outflow_beyond_largest_day_30d'],
    });
    expect(evidence.drainToCompetitors).toEqual([
      { metric: 'average_daily_balance_30d', unit: 'MINOR_UNITS', value: m.average30, threshold: null, baseline: m.averageBefore },
      { metric: 'competitor_outflow_excess_60d', unit: 'MINOR_UNITS', value: czk(20_000), threshold: null, baseline: null },
    ]);
    expect(evidence.competitorTransfersAboveUsual).toEqual([{ metric: 'competitor_transfer_days_30d', unit: 'COUNT', value: 2, threshold: null, baseline: 0 }]);
    expect(evidence.incomeOverdue).toEqual([{ metric: 'days_since_regular_income', unit: 'DAYS', value: 47, threshold: 30, baseline: null }]);
    expect(evidence.netFlowShare).toEqual([
      { metric: 'net_flow_30d', unit: 'MINOR_UNITS', value: -czk(40_000), threshold: null, baseline: 0 },
      { metric: 'average_daily_balance_90d', unit: 'MINOR_UNITS', value: m.average90, threshold: null, baseline: null },
    ]);
  });
});

describe('edges of the churn features', () => {
  const asOf = (store: MemoryStore) => measureChurn(store.state(), new CustomerFeatures(store.state(), dayNo('2024-01-31'), calendar), calendar);
  const customer = () => ({
    store: new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(100_000) }, since: pragueWinter('2023-01-01') })),
    ledger: new Ledger('c-1', { 'a-1': czk(100_000) }),
  });

  it('against a usual of nothing, the recent is measured against 1% of the average balance; nothing against nothing is no ratio', () => {
    const { store, ledger } = customer();
    store.feed([ledger.debit(czk(2_000), pragueWinter('2024-01-20'), { counterpartyKind: 'OTHER_BANK' })]);
    const { vector, measured: m } = asOf(store);
    expect(m.competitorUsual).toBe(0);
    // 2,000 against 1% of a ~99,000 average: about twice the floor
    expect(vector.competitorOutflowVsUsual).toBe(round(czk(2_000) / (0.01 * m.average90)));
    expect(vector.competitorOutflowVsUsual).toBeGreaterThan(1.9);
    expect(vector.competitorOutflowVsUsual).toBeLessThan(2.1);
    const quiet = customer();
    quiet.store.feed([quiet.ledger.debit(czk(500), pragueWinter('2024-01-20'), { category: 'CARD', channel: 'CARD' })]);
    expect(asOf(quiet.store).vector.competitorOutflowVsUsual).toBeNull();
  });

  it('an income counts as regular from its second monthly arrival, and is forgotten half a year after it stopped', () => {
    const salary = (ledger: Ledger, day: string) => ledger.credit(czk(30_000), pragueWinter(day), { category: 'SALARY', counterpartyKind: 'OTHER_BANK', initiatedBy: 'SYSTEM', channel: 'SYSTEM' });
    const once = customer();
    once.store.feed([salary(once.ledger, '2023-12-15')]);
    expect(asOf(once.store).vector.incomeOverdue).toBeNull();
    const twice = customer();
    twice.store.feed([salary(twice.ledger, '2023-11-15'), salary(twice.ledger, '2023-12-15')]);
    expect(asOf(twice.store).vector.incomeOverdue).toBe(round(47 / 30));
    // the last of two salaries on 3 Aug: 181 days before 31 Jan, past the 180 remembered
    const long = customer();
    long.store.feed([salary(long.ledger, '2023-07-03'), salary(long.ledger, '2023-08-03')]);
    expect(asOf(long.store).measured.incomeSilentDays).toBe(181);
    expect(asOf(long.store).vector.incomeOverdue).toBeNull();
    // a day less is still remembered
    const remembered = customer();
    remembered.store.feed([salary(remembered.ledger, '2023-07-04'), salary(remembered.ledger, '2023-08-04')]);
    expect(asOf(remembered.store).vector.incomeOverdue).toBe(round(180 / 30));
  });
});
