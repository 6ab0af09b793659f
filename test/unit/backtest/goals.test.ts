import { describe, expect, it } from 'vitest';
import { summarise } from '../../../src/backtest/family.ts';
import { goalFigures, judgeChurnAlerts, judgedAlertLines } from '../../../src/backtest/goals.ts';
import type { AlertKind } from '../../../src/domain/alert.ts';
import type { Label } from '../../../src/generate/labels.ts';
import { toReportAlert } from '../../../src/report/alerts.ts';
import type { ReportAlert } from '../../../src/report/alerts.ts';
import { alert } from '../report/fixtures.ts';

const DAY = 86_400_000;
const E = 20_000; // an end day
const at = (day: number) => day * DAY + 12 * 3_600_000;
const dayOf = (instant: number) => Math.floor(instant / DAY);
const load = { all: { median: 2, p90: 6 }, churn: { median: 1, p90: 3 } };
const fired = (kind: AlertKind, customerId: string, day: number): ReportAlert => toReportAlert(alert({ kind, customerId, rmId: 'RM1', detectedAt: at(day), eventTime: at(day) }));
const churner = (customerId: string, pattern: Label['pattern'], endDay: number, startDay = endDay - 60): Label => ({ customerId, outcome: 'churn', pattern, date: startDay * DAY, endDate: endDay * DAY });
const trap = (customerId: string, pattern: Label['pattern'], day: number): Label => ({ customerId, outcome: 'trap', pattern, date: day * DAY, endDate: null });

describe('the issue\'s backtest figures', () => {
  it('counts a gradual churner warned 20 days before the end, not one warned 10 days before, and takes the lead from the end', () => {
    const labels = [churner('C1', 'payroll_moved', E), churner('C2', 'slow_fade', E), churner('C3', 'leak_refilled', E)];
    const figures = goalFigures([fired('CHURN_RISK', 'C1', E - 20), fired('DORMANCY', 'C2', E - 10), fired('LARGE_OUTFLOW', 'C3', E + 40)], labels, dayOf, load);
    expect(figures.gradualChurners).toBe(3);
    expect(figures.gradualWarned).toBe(1 / 3);
    // C1 +20, C2 +10; C3's alert 40 days after the end is outside the window
    expect(figures.medianLeadDays).toBe(15);
    expect(figures.churnRiskAlerts).toBe(1);
    expect(figures.churnRiskCaught).toBe(1 / 3);
    expect(figures.churnRiskCaughtByPattern).toEqual({ leak_refilled: 0, payroll_moved: 1, slow_fade: 0 });
    // C2's DORMANCY came 10 days before its end: caught, but not in time
    expect(figures.gradualWarnedByPattern).toEqual({ leak_refilled: 0, payroll_moved: 1, slow_fade: 0 });
  });

  it('tells gradual recall per pattern, sudden and unannounced leavers left out', () => {
    const labels = [churner('L1', 'gradual_leakage', E), churner('L2', 'gradual_leakage', E), churner('S1', 'sudden_exit', E), churner('D1', 'going_dormant', E)];
    const alerts = [fired('CHURN_RISK', 'L1', E - 30), fired('LARGE_OUTFLOW', 'L2', E), fired('LARGE_OUTFLOW', 'S1', E), fired('DORMANCY', 'D1', E - 20)];
    const figures = goalFigures(alerts, labels, dayOf, load);
    expect(figures.gradualWarnedByPattern).toEqual({ gradual_leakage: 1 / 2 });
    expect(figures.gradualWarned).toBe(1 / 2);
  });

  it('counts an alert 121 days before the end as no warning of it', () => {
    const figures = goalFigures([fired('CUMULATIVE_OUTFLOW', 'C1', E - 121)], [churner('C1', 'gradual_leakage', E)], dayOf, load);
    expect(figures.gradualWarned).toBe(0);
    expect(figures.medianLeadDays).toBeNull();
    expect(figures.timelyRight).toBe(0);
  });

  it('tells a sudden exit in time up to one day after the end, and keeps sudden exits out of the gradual figures', () => {
    const labels = [churner('S1', 'sudden_exit', E), churner('S2', 'small_balance_exit', E), churner('S3', 'sudden_exit', E)];
    const figures = goalFigures([fired('LARGE_OUTFLOW', 'S1', E), fired('LARGE_OUTFLOW', 'S2', E + 1), fired('LARGE_OUTFLOW', 'S3', E + 2)], labels, dayOf, load);
    expect(figures.suddenExits).toBe(3);
    expect(figures.suddenTold).toBe(2 / 3);
    expect(figures.gradualChurners).toBe(0);
    expect(figures.gradualWarned).toBeNull();
  });

  it('judges every RM churn alert timely and right only for a churner ending ≤ 120 days after or ≤ 30 days before it', () => {
    const labels = [churner('C1', 'gradual_leakage', E), trap('T1', 'house_down_payment', E)];
    const alerts = [
      fired('CHURN_RISK', 'C1', E - 120), // right: the end 120 days after
      fired('CHURN_RISK', 'C1', E + 30), // right: the end 30 days before
      fired('DORMANCY', 'C1', E + 31), // too late
      fired('DOWNGRADE_RISK', 'T1', E), // not a churner
      fired('LARGE_INFLOW', 'C1', E), // not a churn kind: not counted at all
    ];
    const figures = goalFigures(alerts, labels, dayOf, load);
    expect(figures.rmChurnAlerts).toBe(4);
    expect(figures.timelyRight).toBe(2 / 4);
  });

  it('gives each RM churn alert its verdict, the same ones the timely-and-right figure counts', () => {
    const labels = [churner('C1', 'gradual_leakage', E), trap('T1', 'house_down_payment', E), trap('T2', 'annual_tax', E)];
    const alerts = [
      fired('CHURN_RISK', 'C1', E - 121),
      fired('CHURN_RISK', 'C1', E - 120),
      fired('CHURN_RISK', 'C1', E + 30),
      fired('DORMANCY', 'C1', E + 31),
      fired('LARGE_OUTFLOW', 'T1', E + 30),
      fired('LARGE_OUTFLOW', 'T2', E + 31),
      fired('DOWNGRADE_RISK', 'N1', E),
      fired('LARGE_INFLOW', 'C1', E),
    ];
    const judged = judgeChurnAlerts(alerts, labels, dayOf);
    expect(judged.map(({ customerId, kind, verdict, pattern, daysBeforeEnd }) => [customerId, kind, verdict, pattern, daysBeforeEnd])).toEqual([
      ['C1', 'CHURN_RISK', 'early', 'gradual_leakage', 121],
      ['C1', 'CHURN_RISK', 'timely', 'gradual_leakage', 120],
      ['C1', 'CHURN_RISK', 'timely', 'gradual_leakage', -30],
      ['C1', 'DORMANCY', 'late', 'gradual_leakage', -31],
      // within 30 days of the trap's date it is a trap's false alarm; beyond, a customer who stayed
      ['T1', 'LARGE_OUTFLOW', 'trap', 'house_down_payment', null],
      ['T2', 'LARGE_OUTFLOW', 'stayed', 'annual_tax', null],
      ['N1', 'DOWNGRADE_RISK', 'stayed', null, null],
    ]);
    expect(judged[0]!.date).toBe(new Date((E - 121) * DAY).toISOString().slice(0, 10));
    expect(judged.filter(({ verdict }) => verdict === 'timely').length / judged.length).toBe(goalFigures(alerts, labels, dayOf, load).timelyRight);
    const lines = judgedAlertLines(judged).split('\n');
    expect(lines).toHaveLength(judged.length + 1);
    expect(JSON.parse(lines[4]!)).toMatchObject({ customerId: 'T1', verdict: 'trap' });
  });

  it('calls a trap customer alerted within ±30 days of the trap a false alarm, 31 days later not', () => {
    const labels = [trap('T1', 'house_down_payment', E), trap('T2', 'house_down_payment', E), trap('T3', 'annual_tax', E), trap('T4', 'one_day_spike', E)];
    const alerts = [fired('LARGE_OUTFLOW', 'T1', E + 30), fired('CHURN_RISK', 'T2', E + 31), fired('CHURN_RISK', 'T3', E - 30)];
    const figures = goalFigures(alerts, labels, dayOf, load);
    expect(figures.trapCustomers).toBe(4);
    expect(figures.trapAlerted).toBe(2 / 4);
    expect(figures.trapAlertedByPattern).toEqual({ house_down_payment: 1 / 2, one_day_spike: 0, annual_tax: 1, holiday_spending: null });
  });

  it('counts DOWNGRADE_RISK alerts per customer alerted with one, and passes the RM-week load through', () => {
    const alerts = [fired('DOWNGRADE_RISK', 'A', E), fired('DOWNGRADE_RISK', 'A', E + 30), fired('DOWNGRADE_RISK', 'A', E + 60), fired('DOWNGRADE_RISK', 'B', E)];
    const figures = goalFigures(alerts, [], dayOf, load);
    expect(figures.downgradePerCustomer).toBe(2);
    expect([figures.rmWeekMedian, figures.rmWeekP90]).toEqual([2, 6]);
    expect([figures.rmWeekChurnMedian, figures.rmWeekChurnP90]).toEqual([1, 3]);
  });

  it('shows the worst bank beside the mean: the lowest share caught, the highest false-alarm rate', () => {
    const good = goalFigures([fired('CHURN_RISK', 'C1', E - 20)], [churner('C1', 'payroll_moved', E), trap('T1', 'annual_tax', E)], dayOf, { all: { median: 1, p90: 2 }, churn: { median: 1, p90: 1 } });
    const bad = goalFigures([fired('CHURN_RISK', 'T1', E)], [churner('C1', 'payroll_moved', E), trap('T1', 'annual_tax', E)], dayOf, { all: { median: 5, p90: 9 }, churn: { median: 2, p90: 4 } });
    const { mean, worst } = summarise([good, bad]);
    expect(mean.gradualWarned).toBe(0.5);
    expect(worst.gradualWarned).toBe(0);
    expect(mean.trapAlerted).toBe(0.5);
    expect(worst.trapAlerted).toBe(1);
    expect(worst.rmWeekMedian).toBe(5);
    expect([worst.rmWeekChurnMedian, worst.rmWeekChurnP90]).toEqual([2, 4]);
    expect(worst.trapAlertedByPattern.annual_tax).toBe(1);
  });
});
