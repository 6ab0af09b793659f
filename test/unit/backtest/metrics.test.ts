import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/backtest/metrics.ts';
import type { KindMetrics } from '../../../src/backtest/metrics.ts';
import { predictedOutcome, scoredKinds } from '../../../src/backtest/outcome-map.ts';
import type { AlertKind } from '../../../src/domain/alert.ts';
import type { Label } from '../../../src/generate/labels.ts';
import { toReportAlert } from '../../../src/report/alerts.ts';
import type { ReportAlert } from '../../../src/report/alerts.ts';
import { alert } from '../report/fixtures.ts';

const DAY = 86_400_000;
const D = 20_000; // the label day
const at = (day: number) => day * DAY + 12 * 3_600_000; // noon UTC
const dayOf = (instant: number) => Math.floor(instant / DAY);

const labels: Label[] = [
  { customerId: 'C1', outcome: 'churn', pattern: 'gradual_leakage', date: D * DAY, endDate: D * DAY },
  { customerId: 'C2', outcome: 'churn', pattern: 'sudden_exit', date: D * DAY, endDate: D * DAY },
  { customerId: 'C3', outcome: 'grow', pattern: 'inheritance', date: D * DAY, endDate: null },
];

const fired = (kind: AlertKind, customerId: string, day: number, rmId: string | null = 'RM1'): ReportAlert =>
  toReportAlert(alert({ kind, customerId, rmId, detectedAt: at(day), eventTime: at(day) }));

function run(alerts: readonly ReportAlert[], window = { beforeDays: 30, afterDays: 90 }) {
  const result = evaluate({
    alertsOf: (kind) => alerts.filter((entry) => entry.kind === kind),
    feedOf: (kind) => (kind === 'LEAKAGE' ? 'risk' : 'rm'),
    labels,
    window,
    dayOf,
    rmWeeks: 10,
  });
  const byName = new Map<string, KindMetrics>([...result.kinds, ...result.any].map((row) => [row.name, row]));
  return (name: string) => byName.get(name)!;
}

describe('backtest metrics', () => {
  it('maps every kind that says something about the customer to one outcome', () => {
    expect(scoredKinds('churn')).toEqual(['LARGE_OUTFLOW', 'CUMULATIVE_OUTFLOW', 'LEAKAGE', 'DORMANCY', 'DOWNGRADE_RISK', 'CHURN_RISK']);
    expect(scoredKinds('grow')).toEqual(['LARGE_INFLOW', 'CUMULATIVE_INFLOW', 'UPGRADE_ELIGIBLE', 'IDLE_FUNDS']);
    expect(predictedOutcome.RM_HANDOVER).toBeUndefined();
  });

  it('judges customers and alerts against labels of the kind\'s outcome, inside the window', () => {
    const row = run([
      fired('LARGE_OUTFLOW', 'C1', D + 10), // in C1's window
      fired('LARGE_OUTFLOW', 'C1', D + 200), // C1 again, long after: a false alarm as an alert
      fired('LARGE_OUTFLOW', 'C2', D - 40), // before C2's window
      fired('LARGE_OUTFLOW', 'C3', D), // a grower: wrong outcome
      fired('LARGE_OUTFLOW', 'C4', D, null), // unlabelled, unassigned
    ])('LARGE_OUTFLOW');
    expect(row).toMatchObject({ outcome: 'churn', feed: 'rm', alerts: 5, customers: 4, detected: 1 });
    expect(row.precision).toBe(1 / 4);
    expect(row.alertPrecision).toBe(1 / 5);
    expect(row.recall).toBe(1 / 2);
    expect(row.recallByPattern).toMatchObject({ gradual_leakage: 1, sudden_exit: 0, payroll_moved: null, going_dormant: null, slow_fade: null });
    expect(row.leadDays).toEqual({ median: -10, p10: -10 });
    expect(row.perRmWeek).toBe(4 / 10); // the unassigned alert is no RM's load
  });

  it('takes the window\'s edges as inside', () => {
    const inside = run([fired('DORMANCY', 'C1', D + 90), fired('DORMANCY', 'C2', D - 30)])('DORMANCY');
    expect(inside.recall).toBe(1);
    expect(inside.leadDays).toEqual({ median: -30, p10: -78 }); // leads -90 and +30, interpolated
    const outside = run([fired('DORMANCY', 'C1', D + 91), fired('DORMANCY', 'C2', D - 31)])('DORMANCY');
    expect(outside.recall).toBe(0);
    expect(outside.precision).toBe(0);
    expect(outside.leadDays).toBeNull();
  });

  it('counts lead time back from the end of the relationship, not from the day the pattern began', () => {
    const ended = evaluate({
      alertsOf: (kind) => (kind === 'CHURN_RISK' ? [fired('CHURN_RISK', 'C1', D + 5)] : []),
      feedOf: () => 'rm',
      labels: [{ customerId: 'C1', outcome: 'churn', pattern: 'payroll_moved', date: D * DAY, endDate: (D + 45) * DAY }],
      window: { beforeDays: 30, afterDays: 90 },
      dayOf,
      rmWeeks: 10,
    });
    expect(ended.kinds.find((row) => row.name === 'CHURN_RISK')?.leadDays).toEqual({ median: 40, p10: 40 });
  });

  it('measures lead time from the first alert in the window', () => {
    const row = run([fired('CUMULATIVE_OUTFLOW', 'C1', D + 20), fired('CUMULATIVE_OUTFLOW', 'C1', D + 5), fired('CUMULATIVE_OUTFLOW', 'C1', D - 100)])('CUMULATIVE_OUTFLOW');
    expect(row.leadDays).toEqual({ median: -5, p10: -5 });
    expect(row.detected).toBe(1);
  });

  it('judges growth kinds against growth labels', () => {
    const row = run([fired('LARGE_INFLOW', 'C3', D), fired('LARGE_INFLOW', 'C1', D)])('LARGE_INFLOW');
    expect(row).toMatchObject({ outcome: 'grow', customers: 2, detected: 1, recall: 1, precision: 0.5 });
    expect(row.recallByPattern).toEqual({ inheritance: 1, bonus: null, moved_in: null });
  });

  it('keeps the risk-only leakage out of what an RM hears, and out of the RM load', () => {
    const metrics = run([fired('LEAKAGE', 'C2', D), fired('LARGE_OUTFLOW', 'C1', D + 1)]);
    expect(metrics('LEAKAGE')).toMatchObject({ feed: 'risk', recall: 0.5, perRmWeek: null });
    expect(metrics('any churn kind')).toMatchObject({ feed: 'rm', alerts: 1, customers: 1, recall: 0.5, precision: 1 });
    expect(metrics('any grow kind')).toMatchObject({ alerts: 0, customers: 0, precision: null, recall: 0, leadDays: null });
  });
});
