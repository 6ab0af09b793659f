import { isoDateOf } from '../core/calendar.ts';
import type { BusinessCalendar } from '../core/calendar.ts';
import { alertKinds } from '../domain/alert.ts';
import type { AlertKind } from '../domain/alert.ts';
import { isoWeekLabel, weekIndexOf } from '../replay/iso-week.ts';
import type { ReportAlert } from './alerts.ts';
import type { ReportData } from './model.ts';

/** The business days the report covers: the replay's (from its summary), else from the first to the last alert. */
export function reportDays(data: Pick<ReportData, 'summary' | 'log'>, calendar: BusinessCalendar): { first: number; last: number } | null {
  const { summary } = data;
  if (summary?.firstEventTime != null && summary.endedAt != null) {
    return { first: calendar.dayOf(Date.parse(summary.firstEventTime)), last: calendar.dayOf(Date.parse(summary.endedAt)) };
  }
  const times = [...data.log.rm, ...data.log.riskOnly].map((alert) => alert.detectedAt);
  if (times.length === 0) return null;
  return { first: calendar.dayOf(Math.min(...times)), last: calendar.dayOf(Math.max(...times)) };
}

export interface Buckets {
  labels: string[];
  /** The bucket of a business day (clamped into range). */
  indexOf(day: number): number;
}

/** ISO weeks from the first day's to the last day's. */
export function weekBuckets(days: { first: number; last: number }): Buckets {
  const first = weekIndexOf(days.first);
  const last = Math.max(first, weekIndexOf(days.last));
  const labels = Array.from({ length: last - first + 1 }, (_, index) => isoWeekLabel(first + index));
  return { labels, indexOf: (day) => Math.min(last, Math.max(first, weekIndexOf(day))) - first };
}

/** Calendar months (YYYY-MM) from the first day's to the last day's. */
export function monthBuckets(days: { first: number; last: number }): Buckets {
  const monthOf = (day: number) => {
    const [year, month] = isoDateOf(day).split('-').map(Number) as [number, number];
    return year * 12 + (month - 1);
  };
  const first = monthOf(days.first);
  const last = Math.max(first, monthOf(days.last));
  const labels = Array.from({ length: last - first + 1 }, (_, index) => {
    const month = first + index;
    return `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
  });
  return { labels, indexOf: (day) => Math.min(last, Math.max(first, monthOf(day))) - first };
}

/** Alerts per bucket and kind (kinds in the schema's order, only those that occur). */
export function countsByKind(alerts: readonly ReportAlert[], buckets: Buckets, calendar: BusinessCalendar): Array<{ kind: AlertKind; values: number[] }> {
  const byKind = new Map<AlertKind, number[]>();
  for (const alert of alerts) {
    let values = byKind.get(alert.kind);
    if (values === undefined) {
      values = new Array<number>(buckets.labels.length).fill(0);
      byKind.set(alert.kind, values);
    }
    values[buckets.indexOf(calendar.dayOf(alert.detectedAt))]! += 1;
  }
  return alertKinds.flatMap((kind) => {
    const values = byKind.get(kind);
    return values === undefined ? [] : [{ kind, values }];
  });
}

const UPGRADE_REASON = /^Eligible(?:, needs approval)?: (\S+) \(served (\S+)\)/;

/** The tier an UPGRADE_ELIGIBLE alert says the customer qualifies for (from its reason), or null if it does not say. */
export function upgradeTarget(alert: ReportAlert): string | null {
  return UPGRADE_REASON.exec(alert.reason)?.[1] ?? null;
}

export interface TierMigration {
  months: string[];
  /** Target tier → upgrade-eligible alerts per month. */
  upgrades: Map<string, number[]>;
  /** Served tier → downgrade-risk alerts per month. */
  downgrades: Map<string, number[]>;
}

/** Upgrade eligibility (by target tier) and downgrade risk (by the tier served) per month. */
export function tierMigration(alerts: readonly ReportAlert[], days: { first: number; last: number }, calendar: BusinessCalendar): TierMigration {
  const buckets = monthBuckets(days);
  const upgrades = new Map<string, number[]>();
  const downgrades = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, day: number) => {
    const values = map.get(key) ?? new Array<number>(buckets.labels.length).fill(0);
    values[buckets.indexOf(day)]! += 1;
    map.set(key, values);
  };
  for (const alert of alerts) {
    const day = calendar.dayOf(alert.detectedAt);
    if (alert.kind === 'UPGRADE_ELIGIBLE') add(upgrades, upgradeTarget(alert) ?? 'tier not stated', day);
    else if (alert.kind === 'DOWNGRADE_RISK') add(downgrades, alert.tier ?? 'tier unknown', day);
  }
  return { months: buckets.labels, upgrades, downgrades };
}

/** Scores 0-100 in ten bins: 0–9, 10–19, …, 90–100. */
export function scoreBins(scores: readonly number[]): { labels: string[]; counts: number[] } {
  const counts = new Array<number>(10).fill(0);
  for (const score of scores) counts[Math.min(9, Math.max(0, Math.floor(score / 10)))]! += 1;
  const labels = counts.map((_, index) => (index === 9 ? '90–100' : `${index * 10}–${index * 10 + 9}`));
  return { labels, counts };
}
