import { isoWeekLabel, weekIndexOf } from '../replay/iso-week.ts';
import type { ReportAlert } from './alerts.ts';
import { quantile } from './stats.ts';

export interface RmLoadRow {
  rmId: string;
  alerts: number;
  meanPerWeek: number;
  maxPerWeek: number;
  /** ISO week of the maximum (null without alerts). */
  busiestWeek: string | null;
}

/** Alerts an RM would have had to read per ISO week (by detection day), weeks without alerts included. */
export interface RmWeekLoad {
  rms: number;
  weeks: number;
  median: number;
  p90: number;
  max: number;
  busiest: { rmId: string; week: string } | null;
  /** Most loaded first (then by RM id). */
  perRm: RmLoadRow[];
}

export interface RmLoadScope {
  /** Every RM known (from the profiles): an RM without alerts still counts, with zero. */
  rmIds: Iterable<string>;
  /** Business days of the first event and of the end of the replay. */
  firstDay: number;
  lastDay: number;
  dayOf: (instant: number) => number;
}

/** RM-feed alerts per RM and ISO week; alerts without an RM (the unassigned queue) are not an RM's load. */
export function rmWeekLoad(alerts: readonly ReportAlert[], scope: RmLoadScope): RmWeekLoad {
  const firstWeek = weekIndexOf(scope.firstDay);
  const lastWeek = Math.max(firstWeek, weekIndexOf(scope.lastDay));
  const weeks = lastWeek - firstWeek + 1;
  const counts = new Map<string, number[]>();
  for (const rmId of scope.rmIds) counts.set(rmId, new Array<number>(weeks).fill(0));
  for (const alert of alerts) {
    if (alert.rmId === null) continue;
    const week = Math.min(lastWeek, Math.max(firstWeek, weekIndexOf(scope.dayOf(alert.detectedAt))));
    let perWeek = counts.get(alert.rmId);
    if (perWeek === undefined) {
      perWeek = new Array<number>(weeks).fill(0);
      counts.set(alert.rmId, perWeek);
    }
    perWeek[week - firstWeek]! += 1;
  }
  const all: number[] = [];
  const perRm: RmLoadRow[] = [];
  for (const [rmId, perWeek] of counts) {
    all.push(...perWeek);
    const total = perWeek.reduce((sum, value) => sum + value, 0);
    const maxPerWeek = Math.max(0, ...perWeek);
    perRm.push({
      rmId,
      alerts: total,
      meanPerWeek: total / weeks,
      maxPerWeek,
      busiestWeek: total === 0 ? null : isoWeekLabel(firstWeek + perWeek.indexOf(maxPerWeek)),
    });
  }
  perRm.sort((left, right) => right.alerts - left.alerts || left.rmId.localeCompare(right.rmId));
  const top = [...perRm].sort((left, right) => right.maxPerWeek - left.maxPerWeek || left.rmId.localeCompare(right.rmId))[0];
  return {
    rms: perRm.length,
    weeks,
    median: quantile(all, 0.5) ?? 0,
    p90: quantile(all, 0.9) ?? 0,
    max: top?.maxPerWeek ?? 0,
    busiest: top === undefined || top.busiestWeek === null ? null : { rmId: top.rmId, week: top.busiestWeek },
    perRm,
  };
}
