import { DAY_MS, isoDateOf } from '../core/calendar.ts';
import type { AlertKind, Priority } from '../domain/alert.ts';
import { trapPatterns } from '../generate/labels.ts';
import type { Label, LabelPattern, TrapPattern } from '../generate/labels.ts';
import type { ReportAlert } from '../report/alerts.ts';
import { median, ratio } from '../report/stats.ts';

/**
 * The figures of issue 13's table, measured against the day each relationship ENDED (a label's endDate), never the
 * day a pattern began. "RM churn alerts" are the RM feed's alerts of the kinds that say a customer may be leaving.
 */
export const rmChurnKinds: ReadonlySet<AlertKind> = new Set<AlertKind>(['CHURN_RISK', 'LARGE_OUTFLOW', 'CUMULATIVE_OUTFLOW', 'DORMANCY', 'DOWNGRADE_RISK']);

/** Exits that happen in a day or two: told the day they happen is the best there is. */
export const suddenPatterns: ReadonlySet<LabelPattern> = new Set<LabelPattern>(['sudden_exit', 'small_balance_exit']);

/**
 * Relationships that simply stop, with nothing before the last posting to see (the end is that posting): neither
 * gradual (no warning can come before the end) nor sudden (no money moves). They show in the per-pattern rows only.
 */
export const unannouncedPatterns: ReadonlySet<LabelPattern> = new Set<LabelPattern>(['going_dormant']);

export const goalWindows = {
  /** A gradual churner counts as warned in time with an alert at least this many days before the end... */
  earlyLeadDays: 14,
  /** ...and an alert counts for a churner from this many days before the end (earlier says nothing about it)... */
  beforeEndDays: 120,
  /** ...to this many days after it (a late alert still shows in the lead figure, negative). */
  afterEndDays: 30,
  /** A sudden exit is told in time up to this many days after the end. */
  suddenDays: 1,
  /** A trap customer is wrongly called about with an RM churn alert this many days either side of the trap's date. */
  trapDays: 30,
} as const;

export interface GoalFigures {
  /** Gradual churners (every churn pattern but the sudden and the unannounced ones) with an RM churn alert ≥ 14 days before the end. */
  gradualWarned: number | null;
  gradualChurners: number;
  /** gradualWarned per gradual churn pattern: which kinds of leaving the RM hears of in time. */
  gradualWarnedByPattern: Partial<Record<LabelPattern, number | null>>;
  /** Median of end − earliest RM churn alert (days) over gradual churners alerted from 120 days before to 30 after. */
  medianLeadDays: number | null;
  /** Sudden exits with an RM churn alert from 120 days before to one day after the end. */
  suddenTold: number | null;
  suddenExits: number;
  /** RM churn alerts whose customer is a churner with the end within 120 days after or ≤ 30 days before the alert. */
  timelyRight: number | null;
  rmChurnAlerts: number;
  churnRiskAlerts: number;
  /** Churners with a CHURN_RISK alert in that window, overall and per churn pattern. */
  churnRiskCaught: number | null;
  churnRiskCaughtByPattern: Partial<Record<LabelPattern, number | null>>;
  /** Trap customers with an RM churn alert within ±30 days of the trap's date, overall and per trap type. */
  trapAlerted: number | null;
  trapCustomers: number;
  trapAlertedByPattern: Partial<Record<TrapPattern, number | null>>;
  /** DOWNGRADE_RISK alerts per customer with one. */
  downgradePerCustomer: number | null;
  /** Alerts per RM-week (every RM-feed alert), median and p90. */
  rmWeekMedian: number;
  rmWeekP90: number;
  /** The same counting the RM churn kinds only (the definition: the RM's load of churn calls). */
  rmWeekChurnMedian: number;
  rmWeekChurnP90: number;
}

/** Alerts per RM-week, median and p90: of every RM-feed alert, and of the RM churn kinds (report/rm-load.ts). */
export interface RmLoadFigures {
  all: { median: number; p90: number };
  churn: { median: number; p90: number };
}

const dayOfLabel = (millis: number) => Math.floor(millis / DAY_MS);

/** Whether an alert on `day` is timely and right for a churner whose relationship ended on `end`. */
const countsForEnd = (day: number, end: number) => end - day <= goalWindows.beforeEndDays && day - end <= goalWindows.afterEndDays;

/**
 * What became of an RM churn alert's customer: a churner whose end made it timely and right, one it came too early
 * for (more than 120 days before the end) or too late for (more than 30 days after), a trap customer within 30 days
 * of the trap, or a customer who stayed.
 */
export type AlertVerdict = 'timely' | 'early' | 'late' | 'trap' | 'stayed';

export interface JudgedAlert {
  /** The family bank it came from (`--family-seed`); absent for a single bank. */
  bank?: number;
  customerId: string;
  kind: AlertKind;
  priority: Priority;
  /** The day it was detected, as the labels' days are counted. */
  date: string;
  verdict: AlertVerdict;
  /** The customer's churn pattern, the trap's, or another label's (a grower); null: no label. */
  pattern: LabelPattern | null;
  /** end − the alert's day (negative: after the end); null for a customer who did not leave. */
  daysBeforeEnd: number | null;
  reason: string;
}

/** Judged alerts as JSON Lines (`--alerts-out`). */
export const judgedAlertLines = (alerts: readonly JudgedAlert[]): string => alerts.map((alert) => `${JSON.stringify(alert)}\n`).join('');

/** Every RM churn alert with its verdict, in the feed's order: the alerts behind the timely-and-right figure, one by one. */
export function judgeChurnAlerts(rmAlerts: readonly ReportAlert[], labels: readonly Label[], dayOf: (instant: number) => number): JudgedAlert[] {
  const labelsOf = new Map<string, Label[]>();
  for (const label of labels) labelsOf.set(label.customerId, [...(labelsOf.get(label.customerId) ?? []), label]);
  const judged: JudgedAlert[] = [];
  for (const alert of rmAlerts) {
    if (!rmChurnKinds.has(alert.kind)) continue;
    const day = dayOf(alert.detectedAt);
    const own = labelsOf.get(alert.customerId) ?? [];
    const churn = own.find((label) => label.outcome === 'churn' && label.endDate !== null);
    const trap = own.find((label) => label.outcome === 'trap' && Math.abs(day - dayOfLabel(label.date)) <= goalWindows.trapDays);
    let verdict: AlertVerdict = 'stayed';
    let daysBeforeEnd: number | null = null;
    if (churn !== undefined) {
      const end = dayOfLabel(churn.endDate!);
      daysBeforeEnd = end - day;
      verdict = countsForEnd(day, end) ? 'timely' : daysBeforeEnd > 0 ? 'early' : 'late';
    } else if (trap !== undefined) verdict = 'trap';
    judged.push({
      customerId: alert.customerId,
      kind: alert.kind,
      priority: alert.priority,
      date: isoDateOf(day),
      verdict,
      pattern: (churn ?? trap ?? own[0])?.pattern ?? null,
      daysBeforeEnd,
      reason: alert.reason,
    });
  }
  return judged;
}

/**
 * The table's figures from the RM feed's alerts and the labels. `dayOf` turns an alert's detection instant into the
 * day its label dates are counted in (labels are midnight UTC).
 */
export function goalFigures(rmAlerts: readonly ReportAlert[], labels: readonly Label[], dayOf: (instant: number) => number, rmLoad: RmLoadFigures): GoalFigures {
  const w = goalWindows;
  const churnAlertDays = new Map<string, number[]>();
  const churnRiskDays = new Map<string, number[]>();
  const downgrade = new Map<string, number>();
  let rmChurnAlerts = 0;
  let churnRiskAlerts = 0;
  for (const alert of rmAlerts) {
    if (!rmChurnKinds.has(alert.kind)) continue;
    rmChurnAlerts += 1;
    const day = dayOf(alert.detectedAt);
    churnAlertDays.set(alert.customerId, [...(churnAlertDays.get(alert.customerId) ?? []), day]);
    if (alert.kind === 'CHURN_RISK') {
      churnRiskAlerts += 1;
      churnRiskDays.set(alert.customerId, [...(churnRiskDays.get(alert.customerId) ?? []), day]);
    }
    if (alert.kind === 'DOWNGRADE_RISK') downgrade.set(alert.customerId, (downgrade.get(alert.customerId) ?? 0) + 1);
  }
  const endOf = new Map<string, number>();
  for (const label of labels) if (label.outcome === 'churn' && label.endDate !== null) endOf.set(label.customerId, dayOfLabel(label.endDate));
  /** The customer's alert days that count for their end: from 120 days before it to `after` days after it. */
  const around = (days: readonly number[] | undefined, end: number, after: number) => (days ?? []).filter((day) => day >= end - w.beforeEndDays && day <= end + after);

  let gradual = 0;
  let warned = 0;
  const leads: number[] = [];
  let sudden = 0;
  let told = 0;
  let churners = 0;
  let caught = 0;
  const churnersByPattern = new Map<LabelPattern, [number, number]>();
  const warnedByPattern = new Map<LabelPattern, [number, number]>();
  const traps = new Map<TrapPattern, [number, number]>(trapPatterns.map((pattern) => [pattern, [0, 0]]));
  for (const label of labels) {
    if (label.outcome === 'trap') {
      const tally = traps.get(label.pattern as TrapPattern)!;
      tally[0] += 1;
      const date = dayOfLabel(label.date);
      if ((churnAlertDays.get(label.customerId) ?? []).some((day) => Math.abs(day - date) <= w.trapDays)) tally[1] += 1;
      continue;
    }
    if (label.outcome !== 'churn' || label.endDate === null) continue;
    const end = dayOfLabel(label.endDate);
    churners += 1;
    const churnRiskInWindow = around(churnRiskDays.get(label.customerId), end, w.afterEndDays).length > 0;
    if (churnRiskInWindow) caught += 1;
    tallyOf(churnersByPattern, label.pattern, churnRiskInWindow);
    const days = around(churnAlertDays.get(label.customerId), end, w.afterEndDays);
    if (suddenPatterns.has(label.pattern)) {
      sudden += 1;
      if (days.some((day) => day <= end + w.suddenDays)) told += 1;
      continue;
    }
    if (unannouncedPatterns.has(label.pattern)) continue;
    gradual += 1;
    const inTime = days.some((day) => day <= end - w.earlyLeadDays);
    if (inTime) warned += 1;
    tallyOf(warnedByPattern, label.pattern, inTime);
    if (days.length > 0) leads.push(end - Math.min(...days));
  }
  let timely = 0;
  for (const [customerId, days] of churnAlertDays) {
    const end = endOf.get(customerId);
    if (end === undefined) continue;
    for (const day of days) if (countsForEnd(day, end)) timely += 1;
  }
  let trapCustomers = 0;
  let trapAlerted = 0;
  for (const [, [count, alerted]] of traps) {
    trapCustomers += count;
    trapAlerted += alerted;
  }
  const downgradeAlerts = [...downgrade.values()].reduce((sum, value) => sum + value, 0);
  return {
    gradualWarned: ratio(warned, gradual),
    gradualChurners: gradual,
    gradualWarnedByPattern: byPattern(warnedByPattern),
    medianLeadDays: median(leads),
    suddenTold: ratio(told, sudden),
    suddenExits: sudden,
    timelyRight: ratio(timely, rmChurnAlerts),
    rmChurnAlerts,
    churnRiskAlerts,
    churnRiskCaught: ratio(caught, churners),
    churnRiskCaughtByPattern: byPattern(churnersByPattern),
    trapAlerted: ratio(trapAlerted, trapCustomers),
    trapCustomers,
    trapAlertedByPattern: Object.fromEntries([...traps].map(([pattern, [count, alerted]]) => [pattern, ratio(alerted, count)])),
    downgradePerCustomer: ratio(downgradeAlerts, downgrade.size),
    rmWeekMedian: rmLoad.all.median,
    rmWeekP90: rmLoad.all.p90,
    rmWeekChurnMedian: rmLoad.churn.median,
    rmWeekChurnP90: rmLoad.churn.p90,
  };
}

/** Counts one label of `pattern` in its [count, hit] tally. */
function tallyOf(tallies: Map<LabelPattern, [count: number, hit: number]>, pattern: LabelPattern, hit: boolean): void {
  const tally = tallies.get(pattern) ?? [0, 0];
  tally[0] += 1;
  if (hit) tally[1] += 1;
  tallies.set(pattern, tally);
}

/** Each pattern's share of hits, patterns in name order. */
function byPattern(tallies: ReadonlyMap<LabelPattern, readonly [count: number, hit: number]>): Partial<Record<LabelPattern, number | null>> {
  return Object.fromEntries([...tallies].sort(([left], [right]) => left.localeCompare(right)).map(([pattern, [count, hit]]) => [pattern, ratio(hit, count)]));
}
