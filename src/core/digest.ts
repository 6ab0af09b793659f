import { createHash } from 'node:crypto';
import { alertKinds, priorities } from '../domain/alert.ts';
import type { Alert, AlertKind, Priority } from '../domain/alert.ts';
import type { RmDigest } from '../domain/digest.ts';
import { wallClockInstant } from './calendar.ts';
import type { BusinessCalendar } from './calendar.ts';
import { priorityRank } from './findings.ts';
import { weekdays } from './rules.ts';
import type { DigestRules, Rules } from './rules.ts';

/**
 * The routine digest per RM queue (alert etiquette: urgent alerts at once, routine ones batched). Pure: which RM
 * alerts are routine, which window an alert belongs to, which digests are due at an instant and what they hold.
 *
 * Windows are cut by the rules' flush times in the bank's time zone: an alert belongs to the window that its
 * detection time falls in, [previous flush, next flush); one detected exactly at a flush time belongs to the next
 * window, since the digest cut at that instant is already being built.
 */

/** An RM alert below `immediateFrom` (and not of an always-immediate kind) waits for the digest, when it is enabled. */
export function isRoutine(alert: Pick<Alert, 'kind' | 'priority'>, digest: DigestRules): boolean {
  return digest.enabled && priorityRank[alert.priority] < priorityRank[digest.immediateFrom] && !digest.immediateKinds.includes(alert.kind);
}

export interface DigestSchedule {
  /** The flush instant that closes the window `instant` falls in: the first flush strictly after it. */
  windowEndOf(instant: number): number;
  /** The latest flush instant at or before `instant`. */
  latestFlushAtOrBefore(instant: number): number;
}

/** Every weekday occurs within a week; one more day covers an instant just past midnight. */
const SEARCH_DAYS = 8;
const MAX_CACHED_DAYS = 1_000;

/** 1970-01-01 (day 0) was a Thursday: index 3 of weekdays (Monday first). */
const weekdayOf = (day: number) => weekdays[(((day + 3) % 7) + 7) % 7]!;

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** The flush instants of the rules, in their time zone (daylight saving included), looked up day by day. */
export function digestSchedule(digest: DigestRules, calendar: BusinessCalendar): DigestSchedule {
  const minutes = digest.flushTimes.map(minutesOf);
  const flushDays = new Set(digest.flushWeekdays);
  const byDay = new Map<number, number[]>();
  const flushesOn = (day: number): number[] => {
    let instants = byDay.get(day);
    if (instants === undefined) {
      instants = flushDays.has(weekdayOf(day)) ? minutes.map((minute) => wallClockInstant(calendar.timeZone, day, minute)) : [];
      if (byDay.size >= MAX_CACHED_DAYS) byDay.clear();
      byDay.set(day, instants);
    }
    return instants;
  };
  return {
    windowEndOf(instant) {
      const first = calendar.dayOf(instant);
      for (let day = first; day <= first + SEARCH_DAYS; day += 1) {
        const end = flushesOn(day).find((flush) => flush > instant);
        if (end !== undefined) return end;
      }
      throw new Error('digest schedule without a flush within a week (rules.digest.flushWeekdays is empty)');
    },
    latestFlushAtOrBefore(instant) {
      const first = calendar.dayOf(instant);
      for (let day = first; day >= first - SEARCH_DAYS; day -= 1) {
        const flush = flushesOn(day).findLast((candidate) => candidate <= instant);
        if (flush !== undefined) return flush;
      }
      throw new Error('digest schedule without a flush within a week (rules.digest.flushWeekdays is empty)');
    },
  };
}

/** The same queue and window end always give the same id: a re-send after a crash is the same digest. */
export function digestIdOf(queue: string, windowEnd: number): string {
  return createHash('sha256').update(`${queue}\u0000${windowEnd}`).digest('hex').slice(0, 32);
}

/**
 * Most urgent first, then the most money at stake (DOMAIN: rank by value); ties by detection time and id, so the
 * order is total and the same on every run.
 */
export function compareByRank(left: Alert, right: Alert): number {
  return (
    priorityRank[right.priority] - priorityRank[left.priority] ||
    right.amountAtStakeMinor - left.amountAtStakeMinor ||
    left.detectedAt - right.detectedAt ||
    (left.alertId < right.alertId ? -1 : left.alertId > right.alertId ? 1 : 0)
  );
}

export interface DigestWindow {
  start: number;
  end: number;
}

export interface DigestContext {
  rules: Rules;
  /** Wall clock when the digest is cut; stored with it, so a re-send keeps it. */
  createdAt: number;
}

/** The digest of one queue: its alerts ranked, the top ones in full and the rest by id, with counts of all. */
export function buildDigest(queue: string, alerts: readonly Alert[], window: DigestWindow, context: DigestContext): RmDigest {
  const ranked = [...alerts].sort(compareByRank);
  const limit = context.rules.digest.maxAlertsPerDigest;
  const byKind = new Map<AlertKind, number>();
  const byPriority = new Map<Priority, number>();
  for (const alert of ranked) {
    byKind.set(alert.kind, (byKind.get(alert.kind) ?? 0) + 1);
    byPriority.set(alert.priority, (byPriority.get(alert.priority) ?? 0) + 1);
  }
  return {
    digestId: digestIdOf(queue, window.end),
    queue,
    rmId: ranked.find((alert) => alert.rmId !== null)?.rmId ?? null,
    windowStart: window.start,
    windowEnd: window.end,
    timeZone: context.rules.timeZone,
    alerts: ranked.slice(0, limit),
    alertCount: ranked.length,
    countsByKind: alertKinds
      .filter((kind) => byKind.has(kind))
      .map((kind) => ({ kind, count: byKind.get(kind)! }))
      .sort((left, right) => right.count - left.count),
    countsByPriority: priorities.filter((priority) => byPriority.has(priority)).map((priority) => ({ priority, count: byPriority.get(priority)! })),
    omittedAlertIds: ranked.slice(limit).map((alert) => alert.alertId),
    rulesVersion: context.rules.version,
    createdAt: context.createdAt,
  };
}

/** Every alert a digest accounts for: the ones it lists and the ones it names by id. */
export function alertIdsOf(digest: RmDigest): string[] {
  return [...digest.alerts.map((alert) => alert.alertId), ...digest.omittedAlertIds];
}

export interface DueDigestsInput {
  /** The routine alerts waiting, of any queues. */
  pending: readonly Alert[];
  /** Queue → the flush instant of its latest digest: a queue is cut once per flush. */
  lastCuts: ReadonlyMap<string, number>;
  now: number;
  rules: Rules;
  calendar: BusinessCalendar;
}

/**
 * The digests due at `now`, one per queue, cut at the latest flush time: each holds the queue's pending alerts whose
 * window has ended by then. A queue already cut at that flush gets nothing more until the next one, so an alert that
 * arrives after its window's digest was sent joins the next digest rather than changing a sent one (and no id is
 * used twice). Alerts still pending are flushed even if the digest has been switched off since they arrived.
 */
export function dueDigests(input: DueDigestsInput): RmDigest[] {
  const schedule = digestSchedule(input.rules.digest, input.calendar);
  const cut = schedule.latestFlushAtOrBefore(input.now);
  const window: DigestWindow = { start: schedule.latestFlushAtOrBefore(cut - 1), end: cut };
  const dueByQueue = new Map<string, Alert[]>();
  for (const alert of input.pending) {
    if ((input.lastCuts.get(alert.queue) ?? Number.NEGATIVE_INFINITY) >= cut) continue;
    if (schedule.windowEndOf(alert.detectedAt) > cut) continue;
    const due = dueByQueue.get(alert.queue);
    if (due === undefined) dueByQueue.set(alert.queue, [alert]);
    else due.push(alert);
  }
  return [...dueByQueue]
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([queue, alerts]) => buildDigest(queue, alerts, window, { rules: input.rules, createdAt: input.now }));
}
