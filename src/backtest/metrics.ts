import { DAY_MS } from '../core/calendar.ts';
import type { AlertKind } from '../domain/alert.ts';
import type { Label, LabelPattern, Outcome } from '../generate/labels.ts';
import type { ReportAlert } from '../report/alerts.ts';
import { median, quantile, ratio } from '../report/stats.ts';
import type { MatchWindow } from './outcome-map.ts';
import { patternsOf, scoredKinds } from './outcome-map.ts';

/** How one alert kind (or all kinds of an outcome together) did against the labels. */
export interface KindMetrics {
  /** An alert kind, or `any churn kind` / `any grow kind` (every kind of the outcome an RM hears, together). */
  name: string;
  outcome: Outcome;
  /** Where its alerts were taken from: the RM feed, or the risk feed for risk-only kinds. */
  feed: 'rm' | 'risk';
  alerts: number;
  /** Customers with at least one alert of the kind. */
  customers: number;
  /** Of the customers alerted, the share with a label of the outcome whose window holds one of their alerts. */
  precision: number | null;
  /** Of the alerts, the share inside the window of a label of the outcome of their customer. */
  alertPrecision: number | null;
  /** Of the customers labelled with the outcome, the share alerted inside their label's window. */
  recall: number | null;
  detected: number;
  recallByPattern: Partial<Record<LabelPattern, number | null>>;
  /** End of the relationship (churn; else the label date) − first alert in the window, in days (negative: after it). */
  leadDays: { median: number; p10: number } | null;
  /** RM-feed alerts of the kind per RM-week (mean over every RM and ISO week); null for a risk-only kind. */
  perRmWeek: number | null;
}

export interface EvaluationInput {
  /** The alerts judged for a kind (see AlertLog.judged). */
  alertsOf: (kind: AlertKind) => readonly ReportAlert[];
  /** Which feed a kind's alerts were taken from. */
  feedOf: (kind: AlertKind) => 'rm' | 'risk';
  labels: readonly Label[];
  window: MatchWindow;
  dayOf: (instant: number) => number;
  /** RMs × ISO weeks of the replay, the denominator of perRmWeek. */
  rmWeeks: number;
}

interface Matchable {
  outcome: Outcome;
  pattern: LabelPattern;
  day: number;
  /** The day the relationship ended (churn), the day lead time is counted back from; else the label's date. */
  endDay: number;
}

/** Metrics per scored kind, then one row per outcome for all its RM-feed kinds together. */
export function evaluate(input: EvaluationInput): { kinds: KindMetrics[]; any: KindMetrics[] } {
  const labels = new Map<string, Matchable[]>();
  for (const label of input.labels) {
    const list = labels.get(label.customerId) ?? [];
    list.push({ outcome: label.outcome, pattern: label.pattern, day: Math.floor(label.date / DAY_MS), endDay: Math.floor((label.endDate ?? label.date) / DAY_MS) });
    labels.set(label.customerId, list);
  }
  const kinds: KindMetrics[] = [];
  const any: KindMetrics[] = [];
  for (const outcome of ['churn', 'grow'] as const) {
    const ofOutcome = scoredKinds(outcome);
    for (const kind of ofOutcome) kinds.push(measure(kind, outcome, input.feedOf(kind), input.alertsOf(kind), labels, input));
    // what an RM hears: the risk feed's kinds (leakage) never reach an RM queue
    const together = ofOutcome.filter((kind) => input.feedOf(kind) === 'rm').flatMap((kind) => input.alertsOf(kind));
    any.push(measure(`any ${outcome} kind`, outcome, 'rm', together, labels, input));
  }
  return { kinds, any };
}

function measure(
  name: string,
  outcome: Outcome,
  feed: KindMetrics['feed'],
  alerts: readonly ReportAlert[],
  labels: ReadonlyMap<string, Matchable[]>,
  input: EvaluationInput,
): KindMetrics {
  const { beforeDays, afterDays } = input.window;
  const alerted = new Set<string>();
  const truePositives = new Set<string>();
  /** Labelled customer → label index → earliest alert day in that label's window. */
  const firstInWindow = new Map<string, Map<number, number>>();
  let alertsInWindow = 0;
  let rmAlerts = 0;
  for (const alert of alerts) {
    alerted.add(alert.customerId);
    if (alert.rmId !== null && feed !== 'risk') rmAlerts += 1;
    const day = input.dayOf(alert.detectedAt);
    const customerLabels = labels.get(alert.customerId) ?? [];
    let matched = false;
    customerLabels.forEach((label, index) => {
      if (label.outcome !== outcome || day < label.day - beforeDays || day > label.day + afterDays) return;
      matched = true;
      const firsts = firstInWindow.get(alert.customerId) ?? new Map<number, number>();
      firsts.set(index, Math.min(firsts.get(index) ?? Number.POSITIVE_INFINITY, day));
      firstInWindow.set(alert.customerId, firsts);
    });
    if (matched) {
      alertsInWindow += 1;
      truePositives.add(alert.customerId);
    }
  }

  const patterns = patternsOf(outcome);
  const labelled = new Map<LabelPattern, number>(patterns.map((pattern) => [pattern, 0]));
  const detectedByPattern = new Map<LabelPattern, number>(patterns.map((pattern) => [pattern, 0]));
  const leads: number[] = [];
  let labelledTotal = 0;
  let detected = 0;
  for (const [customerId, customerLabels] of labels) {
    customerLabels.forEach((label, index) => {
      if (label.outcome !== outcome) return;
      labelledTotal += 1;
      labelled.set(label.pattern, (labelled.get(label.pattern) ?? 0) + 1);
      const first = firstInWindow.get(customerId)?.get(index);
      if (first === undefined) return;
      detected += 1;
      detectedByPattern.set(label.pattern, (detectedByPattern.get(label.pattern) ?? 0) + 1);
      leads.push(label.endDay - first);
    });
  }
  const middle = median(leads);
  const p10 = quantile(leads, 0.1);
  return {
    name,
    outcome,
    feed,
    alerts: alerts.length,
    customers: alerted.size,
    precision: ratio(truePositives.size, alerted.size),
    alertPrecision: ratio(alertsInWindow, alerts.length),
    recall: ratio(detected, labelledTotal),
    detected,
    recallByPattern: Object.fromEntries(patterns.map((pattern) => [pattern, ratio(detectedByPattern.get(pattern) ?? 0, labelled.get(pattern) ?? 0)])),
    leadDays: middle === null || p10 === null ? null : { median: middle, p10 },
    perRmWeek: feed === 'risk' ? null : input.rmWeeks > 0 ? rmAlerts / input.rmWeeks : null,
  };
}
