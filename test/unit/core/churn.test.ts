import { describe, expect, it } from 'vitest';
import { churnFeatureNames, churnFeaturesOf, measureChurn } from '../../../src/core/churn-features.ts';
import type { ChurnFeatureVector } from '../../../src/core/churn-features.ts';
import { assessChurn } from '../../../src/core/churn.ts';
import { CustomerFeatures } from '../../../src/core/features.ts';
import { RulesError, churnThresholds, parseRules, scorecardOf } from '../../../src/core/rules.ts';
import { ScorecardError, binOf, parseScorecard, scoreWith } from '../../../src/core/scorecard.ts';
import type { Scorecard } from '../../../src/core/scorecard.ts';
import { Ledger, MemoryStore, calendar, coreWith, czk, dayNo, defaultRulesText, pragueWinter, profile, rules, seededState } from '../../support/core-fixtures.ts';

/** A scorecard of one feature, for the mechanics: activity against the usual, four bins. */
const card = (overrides: Partial<Scorecard> = {}): Scorecard => ({
  ...scorecardOf(rules),
  version: 'test-1',
  intercept: -3,
  features: [{ name: 'activityVsUsual', edges: [0.25, 0.5, 0.8], points: [4, 3, 1.5, 0], missingPoints: 0, normalBin: 3 }],
  alertFromScore: 50,
  clearBelowScore: 30,
  ...overrides,
});

describe('the scorecard', () => {
  it('puts a value on an edge in the bin above it', () => {
    expect([binOf([0.25, 0.5], 0.1), binOf([0.25, 0.5], 0.25), binOf([0.25, 0.5], 0.49), binOf([0.25, 0.5], 0.5), binOf([0.25, 0.5], 9)]).toEqual([0, 1, 1, 2, 2]);
  });

  it('scores the chance in percent: intercept plus the bins’ points through the logistic function', () => {
    const vector = { ...Object.fromEntries(churnFeatureNames.map((name) => [name, null])), activityVsUsual: 0.3 } as ChurnFeatureVector;
    // −3 + 3 = 0 → 50%; the reason is its points against the usual bin (3 − 0)
    expect(scoreWith(card(), vector)).toEqual({ score: 50, contributions: [{ name: 'activityVsUsual', value: 0.3, points: 3 }] });
    expect(scoreWith(card(), { ...vector, activityVsUsual: 1 }).score).toBe(5); // 1 / (1 + e^3) = 4.7%
    expect(scoreWith(card(), { ...vector, activityVsUsual: null }).score).toBe(5); // missing: 0 points
  });

  it('refuses a file whose bins do not add up, naming the key', () => {
    const broken = { ...card(), features: [{ name: 'activityVsUsual', edges: [0.5, 0.25], points: [1, 2], missingPoints: 0, normalBin: 5 }] };
    expect(() => parseScorecard(JSON.stringify(broken), 'card.json')).toThrow(ScorecardError);
    try {
      parseScorecard(JSON.stringify(broken), 'card.json');
    } catch (error) {
      expect((error as Error).message).toMatch(/features\.0\.points: needs one more entry than edges/);
      expect((error as Error).message).toMatch(/features\.0\.edges: must ascend strictly/);
      expect((error as Error).message).toMatch(/features\.0\.normalBin: no such bin/);
    }
    expect(() => parseScorecard('{', 'card.json')).toThrow(/card\.json: not JSON/);
  });

  it('the shipped scorecard loads with the rules, and the rules may override its thresholds', () => {
    expect(scorecardOf(rules).format).toBe('tidewatch.churn-scorecard/1');
    expect(churnThresholds(rules)).toEqual({ alertFromScore: scorecardOf(rules).alertFromScore, clearBelowScore: scorecardOf(rules).clearBelowScore });
    const overridden = parseRules(defaultRulesText.replace('escalateBy: 15', 'escalateBy: 15\n  alertFromScore: 70\n  clearBelowScore: 45'), 'rules.yaml');
    expect(churnThresholds(overridden)).toEqual({ alertFromScore: 70, clearBelowScore: 45 });
  });

  it('a rules file naming a scorecard that is missing is refused with the path', () => {
    const text = defaultRulesText.replace('escalateBy: 15', 'escalateBy: 15\n  scorecardFile: scorecards/nowhere.json');
    expect(() => parseRules(text, 'rules.yaml', '/tmp')).toThrow(RulesError);
    expect(() => parseRules(text, 'rules.yaml', '/tmp')).toThrow(/churn\.scorecardFile: \/tmp\/scorecards\/nowhere\.json: cannot read the scorecard/);
  });
});

describe('churn features: the customer against their own normal', () => {
  /** 150,000.00 since September, card payments of 1,000.00 every other day from November on, as of 1 Feb. */
  function regular(scale: number) {
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(150_000) * scale }, since: pragueWinter('2023-09-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(150_000) * scale });
    const days = Array.from({ length: 46 }, (_, index) => pragueWinter('2023-11-01') + index * 2 * 86_400_000);
    store.feed(days.map((at) => ledger.debit(czk(1_000) * scale, at, { category: 'CARD', channel: 'CARD' })));
    return churnFeaturesOf(store.state(), new CustomerFeatures(store.state(), dayNo('2024-01-31'), calendar), calendar);
  }

  it('are ratios: the same for a customer with ten times the money', () => {
    const vector = regular(1);
    expect(regular(10)).toEqual(vector);
    // every other day for 90 days: 15 in the last 30, 15 per 30 before → 1; no competitor outflow, none usual
    expect(vector).toMatchObject({ activityVsUsual: 1, competitorOutflowShare: 0, incomeOverdue: null, silenceVsUsual: 0.5 });
    // 1,000.00 every other day drains it: 104,000.00 on 31 Jan against ~134,000 a day in the 60 days before the last 30
    expect(vector.closeVsNormal).toBeGreaterThan(0.7);
    expect(vector.closeVsNormal).toBeLessThan(0.85);
  });

  /**
   * 150,000.00 since September; one transfer to another bank a month in November and December (the usual), then in
   * January the given transfers, as of 31 Jan.
   */
  function transfersInJanuary(january: ReadonlyArray<[day: string, amount: number]>) {
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(150_000) }, since: pragueWinter('2023-09-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(150_000) });
    const usual: Array<[string, number]> = [['2023-11-15', 10_000], ['2023-12-15', 10_000]];
    store.feed([...usual, ...january].map(([day, amount]) => ledger.debit(czk(amount), pragueWinter(day), { counterpartyKind: 'OTHER_BANK' })));
    return churnFeaturesOf(store.state(), new CustomerFeatures(store.state(), dayNo('2024-01-31'), calendar), calendar);
  }

  it('count repeated transfers to competitors beyond the usual: one payment is not a leak', () => {
    // the usual one a month: nothing beyond it
    expect(transfersInJanuary([['2024-01-15', 10_000]]).competitorTransfersAboveUsual).toBe(0);
    // one large payment: one day, as usual in count
    expect(transfersInJanuary([['2024-01-15', 90_000]]).competitorTransfersAboveUsual).toBe(0);
    // four transfers in January against one a month: three beyond the usual
    const leak = transfersInJanuary([['2024-01-05', 12_000], ['2024-01-12', 12_000], ['2024-01-19', 12_000], ['2024-01-26', 12_000]]);
    expect(leak.competitorTransfersAboveUsual).toBe(3);
    // a transfer below 4% of the 90-day average balance does not count as one
    expect(transfersInJanuary([['2024-01-05', 12_000], ['2024-01-12', 1_000], ['2024-01-19', 1_000]]).competitorTransfersAboveUsual).toBe(0);
  });

  /**
   * 100,000.00 since September with a salary of 30,000.00 on the 10th and card spending of 30,000.00 a month (on the
   * 20th), as of 31 Jan; `transfers` to the given counterparty on the given days, each `share` of the balance then.
   */
  function drained(transfers: readonly string[], options: { share?: number; scale?: number; kind?: 'OTHER_BANK' | 'INVESTMENT_PLATFORM' | 'NONE'; refill?: [day: string, amount: number] } = {}) {
    const scale = options.scale ?? 1;
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(100_000) * scale }, since: pragueWinter('2023-09-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(100_000) * scale });
    const events: Array<[number, () => ReturnType<Ledger['debit']>]> = [];
    for (const month of ['2023-10', '2023-11', '2023-12', '2024-01']) {
      events.push([pragueWinter(`${month}-10`), () => ledger.credit(czk(30_000) * scale, pragueWinter(`${month}-10`), { category: 'SALARY', counterpartyKind: 'OTHER_BANK' })]);
      events.push([pragueWinter(`${month}-20`), () => ledger.debit(czk(30_000) * scale, pragueWinter(`${month}-20`), { category: 'CARD', channel: 'CARD', counterpartyKind: 'NONE' })]);
    }
    for (const day of transfers) {
      events.push([pragueWinter(day), () => ledger.debit(Math.round(ledger.balance() * (options.share ?? 0.12)), pragueWinter(day), { counterpartyKind: options.kind ?? 'INVESTMENT_PLATFORM' })]);
    }
    const refill = options.refill;
    if (refill !== undefined) events.push([pragueWinter(refill[0]), () => ledger.credit(czk(refill[1]) * scale, pragueWinter(refill[0]), { counterpartyKind: 'OTHER_BANK' })]);
    store.feed(events.sort(([left], [right]) => left - right).map(([, post]) => post()));
    return measureChurn(store.state(), new CustomerFeatures(store.state(), dayNo('2024-01-31'), calendar), calendar);
  }
  const weekly = ['2023-12-04', '2023-12-11', '2023-12-18', '2023-12-27', '2024-01-03', '2024-01-12', '2024-01-17', '2024-01-24'];

  it('see a leak the salary refills: two months of transfers to a platform, the balance lower each month', () => {
    const { vector, measured } = drained(weekly);
    // 12% of the balance a week since December: the monthly averages fall November → December → January
    expect(measured.averageBefore).toBeGreaterThan(measured.averageBetween);
    expect(measured.averageBetween).toBeGreaterThan(measured.average30);
    expect(vector.drainToCompetitors).toBeGreaterThan(0.2);
    // less was sent beyond the usual than the balance fell (spending too): what went to competitors is the drain
    expect(measured.competitorExcess).toBeLessThan(measured.averageBefore - measured.average30);
    expect(vector.drainToCompetitors).toBeCloseTo(measured.competitorExcess / measured.averageBefore, 4);
    // a gift of 40,000 on 15 January refills part of it: now the fall is less than what was sent, and the fall is the drain
    const refilled = drained(weekly, { refill: ['2024-01-15', 40_000] });
    expect(refilled.measured.averageBetween).toBeGreaterThan(refilled.measured.average30);
    expect(refilled.measured.competitorExcess).toBeGreaterThan(refilled.measured.averageBefore - refilled.measured.average30);
    expect(refilled.vector.drainToCompetitors).toBeCloseTo((refilled.measured.averageBefore - refilled.measured.average30) / refilled.measured.averageBefore, 4);
    // the same as a share for a customer with a tenth or ten times the money
    expect(drained(weekly, { scale: 10 }).vector.drainToCompetitors).toBeCloseTo(vector.drainToCompetitors!, 3);
    expect(drained(weekly, { scale: 0.1 }).vector.drainToCompetitors).toBeCloseTo(vector.drainToCompetitors!, 3);
  });

  it('see no drain in one large payment, in spending, or in transfers the customer always made', () => {
    // a house down payment: one day, left out as a purchase
    expect(drained(['2024-01-12'], { share: 0.6, kind: 'OTHER_BANK' }).vector.drainToCompetitors).toBe(0);
    // the same weekly amounts spent rather than sent to competitors
    expect(drained(weekly, { kind: 'NONE' }).vector.drainToCompetitors).toBe(0);
    // weekly transfers since October: the rate before is the customer's normal, the excess over twice it is nothing
    const always = ['2023-11-01', '2023-11-08', '2023-11-15', '2023-11-22', '2023-11-29', ...weekly];
    expect(drained(always, { share: 0.06 }).measured.competitorExcess).toBe(0);
    // money sent out in December and brought back in January: the balance swings, it does not drain
    const swing = drained(weekly.slice(0, 4), { refill: ['2024-01-02', 30_000] });
    expect(swing.measured.averageBefore).toBeGreaterThan(swing.measured.average30);
    expect(swing.measured.competitorExcess).toBeGreaterThan(0);
    expect(swing.vector.drainToCompetitors).toBe(0);
  });

  it('measure money that runs through the account: the usual outflow to competitors per 30 days against the balance, which lowers the score', () => {
    const always = ['2023-11-01', '2023-11-08', '2023-11-15', '2023-11-22', '2023-11-29', ...weekly];
    const { vector, measured } = drained(always, { share: 0.06 });
    expect(vector.competitorTurnover).toBeCloseTo(measured.competitorUsual / measured.average90, 4);
    expect(vector.competitorTurnover).toBeGreaterThan(0.1);
    expect(drained(always, { share: 0.06, scale: 10 }).vector.competitorTurnover).toBeCloseTo(vector.competitorTurnover!, 3);
    // nothing sent before the last 30 days: no turnover
    expect(drained(['2024-01-12'], { share: 0.3 }).vector.competitorTurnover).toBe(0);
    // the shipped scorecard: a customer who usually sends half the balance away a month scores one point of log-odds lower
    const card = scorecardOf(rules);
    const none = Object.fromEntries(churnFeatureNames.map((name) => [name, null])) as ChurnFeatureVector;
    const logOdds = (score: number) => Math.log(score / (100 - score));
    const plain = scoreWith({ ...card, alertFromScore: 50 }, { ...none, activityVsUsual: 0.3, competitorTurnover: 0 }).score;
    const through = scoreWith({ ...card, alertFromScore: 50 }, { ...none, activityVsUsual: 0.3, competitorTurnover: 0.6 }).score;
    expect(through).toBeLessThan(plain);
    expect(logOdds(plain) - logOdds(through)).toBeCloseTo(1, 0);
  });

  it('are null where there is no baseline yet (a customer first seen 30 days ago)', () => {
    const store = new MemoryStore([profile()]);
    const ledger = new Ledger('c-1', { 'a-1': czk(50_000) });
    store.feed([ledger.debit(czk(100), pragueWinter('2024-01-02')), ledger.debit(czk(100), pragueWinter('2024-01-20'))]);
    const vector = churnFeaturesOf(store.state(), new CustomerFeatures(store.state(), dayNo('2024-01-31'), calendar), calendar);
    expect(vector).toMatchObject({ closeVsNormal: null, fallBelowUsualLow: null, competitorOutflowVsUsual: null, activityVsUsual: null, inflowVsUsual: null, spendVsUsual: null, drainToCompetitors: null, competitorTurnover: null });
    // what needs no usual is measured all the same
    expect(vector.largestOutflowShare).not.toBeNull();
  });

  it('a customer who spends most of each month’s income is at their usual low before every payday, not below it', () => {
    // 40,000.00 salary on the 10th, 39,000.00 spent by card over the month: the balance peaks after payday (38,500.00
    // held three days in December) and bottoms out a thousand higher each month (4,000.00 before 10 Nov, 5,000.00
    // before 10 Dec)
    const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(2_000) }, since: pragueWinter('2023-09-01') }));
    const ledger = new Ledger('c-1', { 'a-1': czk(2_000) });
    for (const month of ['2023-09', '2023-10', '2023-11', '2023-12']) {
      store.feed([ledger.credit(czk(40_000), pragueWinter(`${month}-10`), { category: 'SALARY', counterpartyKind: 'OTHER_BANK' })]);
      for (const day of [12, 15, 18, 21, 24, 27]) store.feed([ledger.debit(czk(6_500), pragueWinter(`${month}-${day}`), { category: 'CARD', channel: 'CARD' })]);
    }
    const asOf = (iso: string) => measureChurn(store.state(), new CustomerFeatures(store.state(), dayNo(iso), calendar), calendar);
    // 9 Jan, the day before payday: 6,000.00, above the usual low (4,500.00) though far under the average and the peak
    const beforePayday = asOf('2024-01-09');
    expect([beforePayday.measured.close, beforePayday.measured.usualLow]).toEqual([czk(6_000), czk(4_500)]);
    expect(beforePayday.measured.peak).toBe(czk(38_500));
    expect(beforePayday.vector.fallBelowUsualLow).toBe(0);
    expect(beforePayday.vector.closeVsNormal).toBeLessThan(0.5);
    // the same customer a day after 5,000.00 of it went to another bank: below the usual low, by that share of the peak
    store.feed([ledger.debit(czk(5_000), pragueWinter('2024-01-09', '15:00'), { counterpartyKind: 'OTHER_BANK' })]);
    const drained = asOf('2024-01-09');
    expect(drained.vector.fallBelowUsualLow).toBe(Math.round(((czk(4_500) - czk(1_000)) / drained.measured.peak!) * 10_000) / 10_000);
  });
});

describe('one CHURN_RISK episode per customer', () => {
  /**
   * A customer paying by card every day from November, with the one-feature test scorecard: activity against the
   * usual decides the score (1 a day → 5%; fewer → higher).
   */
  function episode(paymentsFrom: (day: number) => boolean, money = { balance: czk(150_000), payment: czk(500) }, days = 180) {
    const context = coreWith((raw) => void (raw.churn.scorecard = card()));
    const store = new MemoryStore([profile({ rmId: 'rm-2' })], context).seed(seededState({ balances: { 'a-1': money.balance }, since: pragueWinter('2023-09-01') }));
    const ledger = new Ledger('c-1', { 'a-1': money.balance });
    const told: Array<{ day: string; reason: string; priority: string; score: number | undefined }> = [];
    for (let day = 0; day < days; day += 1) {
      const at = pragueWinter('2023-11-01') + day * 86_400_000;
      const emissions = [...store.advance(at - 3_600_000), ...(paymentsFrom(day) ? store.feed([ledger.debit(money.payment, at, { category: 'CARD', channel: 'CARD' })]).flat() : [])];
      for (const { alert } of emissions.filter((emission) => emission.alert.kind === 'CHURN_RISK')) {
        told.push({ day: new Date(alert.eventTime).toISOString().slice(0, 10), reason: alert.reason, priority: alert.priority, score: alert.evidence[0]?.value });
      }
    }
    return { told, store };
  }

  it('opens when the score reaches the threshold, is not repeated while it stays, escalates one priority higher when it rose, and closes below the clearing score', HEAVY, () => {
    // every day until mid-January, then every third day (activity 1/3 of the usual → bin 1: 3 points, 50%), then
    // nothing from mid-February (bin 0: 4 points, 73%: risen by 23 ≥ 15), then every day again from April
    const { told, store } = episode((day) => day < 75 || (day < 105 && day % 3 === 0) || day >= 150, undefined, 215);
    expect(told.map(({ score, priority }) => [score, priority])).toEqual([
      [50, 'MEDIUM'],
      [73, 'HIGH'],
    ]);
    expect(told[0]!.reason).toMatch(/^Churn risk 50\/100: \d+ customer-initiated transactions in 30 days; usually \d+$/);
    expect(told[1]!.reason).toMatch(/^Churn risk rising 73\/100: /);
    // back to daily payments: the score fell under 30, stayed there for 30 days, and the episode closed
    expect(store.state().churn).toBeNull();
  });

  it('a customer under the value floor (churn.minAverageBalanceMinor, 5,000 CZK) is told all the same, LOW: value sets the priority, never whether', HEAVY, () => {
    // the same life with a hundredth of the money: 1,500 CZK and payments of 5 CZK
    const { told } = episode((day) => day < 75 || (day < 105 && day % 3 === 0) || day >= 150, { balance: czk(1_500), payment: czk(5) });
    expect(told.map(({ score, priority }) => [score, priority])).toEqual([
      [50, 'LOW'],
      [73, 'LOW'],
    ]);
  });
});

const HEAVY = { timeout: 120_000 };

it('assessChurn names only the features that raised the score, strongest first, with the customer’s own numbers', () => {
  const store = new MemoryStore([profile()]).seed(seededState({ balances: { 'a-1': czk(150_000) }, since: pragueWinter('2023-09-01') }));
  const ledger = new Ledger('c-1', { 'a-1': czk(150_000) });
  store.feed([ledger.debit(czk(140_000), pragueWinter('2024-01-10'), { counterpartyKind: 'OTHER_BANK' })]);
  const { signals, score } = assessChurn(store.state(), new CustomerFeatures(store.state(), dayNo('2024-01-10'), calendar), rules, calendar);
  expect(score).toBeGreaterThan(0);
  expect(signals.length).toBeGreaterThan(0);
  expect(signals.every((signal) => signal.points > 0)).toBe(true);
  expect(signals.map((signal) => signal.points)).toEqual([...signals.map((signal) => signal.points)].sort((left, right) => right - left));
  // the balance never moved before: its usual low is the 150,000.00 it always held, and the 140,000.00 gone is 93% of that peak
  expect(signals.find((signal) => signal.name === 'fallBelowUsualLow')?.reason).toBe('balance 10,000.00 CZK against a usual low of 150,000.00 CZK: down 93% of its 90-day peak of 150,000.00 CZK');
});
