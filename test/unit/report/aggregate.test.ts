import { describe, expect, it } from 'vitest';
import { businessCalendar } from '../../../src/core/calendar.ts';
import { toReportAlert } from '../../../src/report/alerts.ts';
import { monthBuckets, scoreBins, tierMigration, upgradeTarget, weekBuckets } from '../../../src/report/aggregate.ts';
import { rmWeekLoad } from '../../../src/report/rm-load.ts';
import { DAY, MONDAY, alert } from './fixtures.ts';

const calendar = businessCalendar('Europe/Prague');
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;

describe('report aggregates', () => {
  it('cuts ISO weeks and months across a year end', () => {
    const weeks = weekBuckets({ first: dayOf('2024-12-28'), last: dayOf('2025-01-06') });
    expect(weeks.labels).toEqual(['2024-W52', '2025-W01', '2025-W02']);
    expect(weeks.indexOf(dayOf('2024-12-30'))).toBe(1); // Monday of 2025-W01
    const months = monthBuckets({ first: dayOf('2024-11-15'), last: dayOf('2025-02-01') });
    expect(months.labels).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(months.indexOf(dayOf('2025-01-31'))).toBe(2);
  });

  it('reads the upgrade target from the reason and counts downgrades by the tier served', () => {
    const upgrade = toReportAlert(alert({ kind: 'UPGRADE_ELIGIBLE', tier: 'GOLD', reason: 'Eligible, needs approval: PLATINUM (served GOLD); 30-day average …' }));
    expect(upgradeTarget(upgrade)).toBe('PLATINUM');
    expect(upgradeTarget(toReportAlert(alert({ kind: 'UPGRADE_ELIGIBLE', reason: 'something else' })))).toBeNull();
    const alerts = [
      upgrade,
      toReportAlert(alert({ kind: 'UPGRADE_ELIGIBLE', tier: 'SILVER', reason: 'Eligible: GOLD (served SILVER); …', detectedAt: MONDAY + 40 * DAY })),
      toReportAlert(alert({ kind: 'DOWNGRADE_RISK', tier: 'PLATINUM', detectedAt: MONDAY + 40 * DAY })),
      toReportAlert(alert({ kind: 'LARGE_OUTFLOW' })),
    ];
    const migration = tierMigration(alerts, { first: calendar.dayOf(MONDAY), last: calendar.dayOf(MONDAY + 40 * DAY) }, calendar);
    expect(migration.months).toEqual(['2025-03', '2025-04']);
    expect(Object.fromEntries(migration.upgrades)).toEqual({ PLATINUM: [1, 0], GOLD: [0, 1] });
    expect(Object.fromEntries(migration.downgrades)).toEqual({ PLATINUM: [0, 1] });
  });

  it('bins scores by tens, 100 in the last bin', () => {
    const { labels, counts } = scoreBins([0, 9, 10, 59, 60, 99, 100]);
    expect(labels[0]).toBe('0–9');
    expect(labels[9]).toBe('90–100');
    expect(counts).toEqual([2, 1, 0, 0, 0, 1, 1, 0, 0, 2]);
  });

  it('counts every RM-week, an RM without alerts included, the unassigned queue excluded', () => {
    const alerts = [
      ...[0, 0, 0, 7].map((offset) => toReportAlert(alert({ rmId: 'RM0001', detectedAt: MONDAY + offset * DAY }))),
      toReportAlert(alert({ rmId: null, detectedAt: MONDAY })),
    ];
    const load = rmWeekLoad(alerts, { rmIds: ['RM0001', 'RM0002'], firstDay: calendar.dayOf(MONDAY), lastDay: calendar.dayOf(MONDAY + 13 * DAY), dayOf: calendar.dayOf });
    expect(load.rms).toBe(2);
    expect(load.weeks).toBe(2);
    expect(load.max).toBe(3);
    expect(load.busiest).toEqual({ rmId: 'RM0001', week: '2025-W10' });
    expect(load.median).toBe(0.5); // weeks: RM0001 3, 1; RM0002 0, 0
    expect(load.perRm.map((row) => [row.rmId, row.alerts, row.meanPerWeek])).toEqual([
      ['RM0001', 4, 2],
      ['RM0002', 0, 0],
    ]);
  });
});
