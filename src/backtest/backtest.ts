import { isoDateOf } from '../core/calendar.ts';
import type { BusinessCalendar } from '../core/calendar.ts';
import type { AlertKind } from '../domain/alert.ts';
import { labelPatterns } from '../generate/labels.ts';
import type { LabelPattern } from '../generate/labels.ts';
import { riskOnlyKinds } from '../report/alerts.ts';
import { rmWeekLoad } from '../report/rm-load.ts';
import { evaluate } from './metrics.ts';
import type { MatchWindow } from './outcome-map.ts';
import { predictedOutcome } from './outcome-map.ts';
import type { BacktestResult, UnscoredKind } from './result.ts';
import type { ReportAlert } from '../report/alerts.ts';
import type { Simulation } from './simulation.ts';

/** Business days from the replay's first event to where its stream time ended; null before any event. */
export function replayDays(simulation: Pick<Simulation, 'summary'>, calendar: BusinessCalendar): { first: number; last: number } | null {
  const { firstEventTime, endedAt } = simulation.summary;
  if (firstEventTime === null || endedAt === null) return null;
  return { first: calendar.dayOf(Date.parse(firstEventTime)), last: calendar.dayOf(Date.parse(endedAt)) };
}

/** Judges a simulation's alerts against its labels: per kind, per outcome, and the RMs' weekly load. */
export function backtestOf(simulation: Simulation, window: MatchWindow, calendar: BusinessCalendar, rulesVersion: string): BacktestResult {
  const days = replayDays(simulation, calendar);
  const load = rmWeekLoad(simulation.log.rm, {
    rmIds: simulation.rmIds,
    firstDay: days?.first ?? 0,
    lastDay: days?.last ?? 0,
    dayOf: calendar.dayOf,
  });
  const byKind = new Map<AlertKind, ReturnType<Simulation['log']['judged']>>();
  const alertsOf = (kind: AlertKind) => {
    let alerts = byKind.get(kind);
    if (alerts === undefined) {
      alerts = simulation.log.judged(kind);
      byKind.set(kind, alerts);
    }
    return alerts;
  };
  const { kinds, any } = evaluate({
    alertsOf,
    feedOf: (kind) => (riskOnlyKinds.has(kind) ? 'risk' : 'rm'),
    labels: simulation.labels,
    window,
    dayOf: calendar.dayOf,
    rmWeeks: load.rms * load.weeks,
  });
  const byPattern: Partial<Record<LabelPattern, number>> = {};
  for (const pattern of labelPatterns) byPattern[pattern] = simulation.labels.filter((label) => label.pattern === pattern).length;
  const unscored = unscoredKinds(simulation.log.rm, load.rms * load.weeks);
  return {
    rulesVersion,
    source: simulation.description,
    period: { first: days === null ? null : isoDateOf(days.first), last: days === null ? null : isoDateOf(days.last) },
    window,
    population: {
      customers: simulation.customers,
      labelled: {
        churn: simulation.labels.filter((label) => label.outcome === 'churn').length,
        grow: simulation.labels.filter((label) => label.outcome === 'grow').length,
        trap: simulation.labels.filter((label) => label.outcome === 'trap').length,
      },
      byPattern,
    },
    kinds,
    any,
    rmLoad: { rms: load.rms, weeks: load.weeks, median: load.median, p90: load.p90, max: load.max, busiest: load.busiest },
    unscored,
  };
}

/** The RM feed's kinds that predict neither outcome, by name: alerts, customers and per RM-week as the table shows them. */
function unscoredKinds(alerts: readonly ReportAlert[], rmWeeks: number): UnscoredKind[] {
  const byKind = new Map<string, { alerts: number; customers: Set<string>; toRms: number }>();
  for (const alert of alerts) {
    if (predictedOutcome[alert.kind] !== undefined) continue;
    const tally = byKind.get(alert.kind) ?? { alerts: 0, customers: new Set<string>(), toRms: 0 };
    tally.alerts += 1;
    tally.customers.add(alert.customerId);
    if (alert.rmId !== null) tally.toRms += 1;
    byKind.set(alert.kind, tally);
  }
  return [...byKind]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([kind, tally]) => ({ kind, alerts: tally.alerts, customers: tally.customers.size, perRmWeek: rmWeeks > 0 ? tally.toRms / rmWeeks : null }));
}
