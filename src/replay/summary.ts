import type { BusinessCalendar } from '../core/calendar.ts';
import type { OutcomeCounts } from '../core/processor.ts';
import { z } from 'zod';
import { deadLetterReasons } from '../domain/dead-letter.ts';
import type { DeadLetterReason } from '../domain/dead-letter.ts';
import { isoWeekLabel, weekIndexOf } from './iso-week.ts';
import type { AlertOutcome } from './outcomes.ts';
import type { Feed } from '../core/state.ts';
import type { Alert } from '../domain/alert.ts';

/** How many alerts an RM would have had to read per ISO week (by detection time). */
export interface RmLoad {
  /** RMs counted: every RM named by a profile or an alert (the unassigned queue is not an RM). */
  rms: number;
  /** ISO weeks from the first event to the end of the replay. */
  weeks: number;
  /** Over every RM-week, weeks without alerts included. */
  median: number;
  max: number;
  /** Where the maximum fell (null when there is no RM-week). */
  busiest: { rmId: string; week: string } | null;
  /** RM-feed records routed to the unassigned queue (customers without a known RM). */
  unassigned: number;
}

export interface ReplaySummary {
  /** Records read from the input (valid or not). */
  events: number;
  /** Distinct customers among the valid transactions. */
  customers: number;
  profiles: number;
  /** Side inputs applied as stream time reached them: product events (`--products`), profile changes (`--profile-updates`). */
  productEvents: number;
  profileUpdates: number;
  /** What the core made of each valid transaction. */
  transactions: OutcomeCounts;
  /** Data quality: applied postings whose stamped balance disagreed with the flows (counted by amount regardless). */
  balanceStampMismatches: number;
  deadLetters: { total: number; byReason: Partial<Record<DeadLetterReason, number>> };
  timersFired: number;
  /** Published records per feed, kind and priority: feed → kind → priority → count. */
  alerts: Record<string, Record<string, Record<string, number>>>;
  /** Published records per feed and served tier ('unknown' when the customer has no profile). */
  alertsByTier: Record<string, Record<string, number>>;
  publishedRecords: number;
  rmLoad: RmLoad;
  outcomes: { total: number; byOutcome: Record<string, number> };
  firstEventTime: string | null;
  lastEventTime: string | null;
  /** Where stream time ended (the last event time, or --until). */
  endedAt: string | null;
  elapsedMs: number;
  eventsPerSecond: number;
  peakRssBytes: number;
}

/**
 * What a worker counted (src/replay/parallel), for the coordinator to add up: every count the summary is made of
 * except those the coordinator keeps itself (events, customers, first and last event time) and the clock.
 */
const count = z.number().int().nonnegative();

export const tallySnapshotSchema = z.strictObject({
  profiles: z.number().int().nonnegative(),
  productEvents: z.number().int().nonnegative(),
  profileUpdates: z.number().int().nonnegative(),
  timersFired: z.number().int().nonnegative(),
  transactions: z.strictObject({ applied: count, already_applied: count, duplicate: count, too_late: count, unsupported_currency: count }),
  balanceStampMismatches: count,
  deadLetters: z.partialRecord(z.enum(deadLetterReasons), count),
  alerts: z.record(z.string(), z.record(z.string(), z.record(z.string(), count))),
  alertsByTier: z.record(z.string(), z.record(z.string(), count)),
  published: count,
  rms: z.array(z.string()),
  /** rmId → [ISO week index, RM-feed records detected that week] */
  rmWeeks: z.array(z.tuple([z.string(), z.array(z.tuple([z.number().int(), count]))])),
  unassigned: count,
  outcomes: z.record(z.string(), count),
});

export type TallySnapshot = z.infer<typeof tallySnapshotSchema>;

/**
 * A copy with the keys in sorted order (values mapped): the summary's JSON then does not depend on which alert came
 * first, which differs between workers.
 */
function sortedKeys<V, W = V>(record: Readonly<Record<string, V>>, map: (value: V) => W = (value) => value as unknown as W): Record<string, W> {
  const sorted: Record<string, W> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = map(record[key]!);
  return sorted;
}

const increment = <K extends string>(counts: Partial<Record<K, number>>, key: K, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

/** Counts what a replay did, as it goes; `summary` turns the counts into the report. */
export class ReplayTally {
  events = 0;
  timersFired = 0;
  profiles = 0;
  productEvents = 0;
  profileUpdates = 0;
  readonly customers = new Set<string>();
  readonly transactions: OutcomeCounts = { applied: 0, already_applied: 0, duplicate: 0, too_late: 0, unsupported_currency: 0 };
  balanceStampMismatches = 0;
  readonly #deadLetters: Partial<Record<DeadLetterReason, number>> = {};
  readonly #alerts: Record<string, Record<string, Record<string, number>>> = {};
  readonly #alertsByTier: Record<string, Record<string, number>> = {};
  #published = 0;
  readonly #rms = new Set<string>();
  /** rmId → week index → RM-feed records detected that week. */
  readonly #rmWeeks = new Map<string, Map<number, number>>();
  #unassigned = 0;
  readonly #outcomes: Record<string, number> = {};
  #firstEventTime = Number.POSITIVE_INFINITY;
  #lastEventTime = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly calendar: BusinessCalendar,
    private readonly unassignedQueue: string,
  ) {}

  transaction(customerId: string, eventTime: number): void {
    this.customers.add(customerId);
    if (eventTime < this.#firstEventTime) this.#firstEventTime = eventTime;
    if (eventTime > this.#lastEventTime) this.#lastEventTime = eventTime;
  }

  outcomesOfBatch(counts: OutcomeCounts): void {
    for (const key of Object.keys(counts) as (keyof OutcomeCounts)[]) this.transactions[key] += counts[key];
  }

  deadLetter(reason: DeadLetterReason): void {
    increment(this.#deadLetters, reason);
  }

  knownRm(rmId: string | null): void {
    if (rmId !== null) this.#rms.add(rmId);
  }

  /** One published record: the feed and the alert it carries (for the campaign feed, the alert behind its lean record). */
  published(feed: Feed, alert: Alert): void {
    this.#published += 1;
    const byKind = (this.#alerts[feed] ??= {});
    increment((byKind[alert.kind] ??= {}), alert.priority);
    increment((this.#alertsByTier[feed] ??= {}), alert.tier ?? 'unknown');
    if (feed !== 'rm') return;
    if (alert.queue === this.unassignedQueue) {
      this.#unassigned += 1;
      return;
    }
    this.#rms.add(alert.queue);
    const weeks = this.#rmWeeks.get(alert.queue) ?? new Map<number, number>();
    const week = weekIndexOf(this.calendar.dayOf(alert.detectedAt));
    weeks.set(week, (weeks.get(week) ?? 0) + 1);
    this.#rmWeeks.set(alert.queue, weeks);
  }

  outcome(outcome: AlertOutcome): void {
    increment(this.#outcomes, outcome.outcome);
  }

  snapshot(): TallySnapshot {
    return {
      profiles: this.profiles,
      productEvents: this.productEvents,
      profileUpdates: this.profileUpdates,
      timersFired: this.timersFired,
      transactions: { ...this.transactions },
      balanceStampMismatches: this.balanceStampMismatches,
      deadLetters: { ...this.#deadLetters },
      alerts: this.#alerts,
      alertsByTier: this.#alertsByTier,
      published: this.#published,
      rms: [...this.#rms],
      rmWeeks: [...this.#rmWeeks].map(([rmId, weeks]) => [rmId, [...weeks]]),
      unassigned: this.#unassigned,
      outcomes: { ...this.#outcomes },
    };
  }

  /** Adds a worker's counts to these (its customers are none of the others'; an RM's weeks add up). */
  absorb(other: TallySnapshot): void {
    this.profiles += other.profiles;
    this.productEvents += other.productEvents;
    this.profileUpdates += other.profileUpdates;
    this.timersFired += other.timersFired;
    for (const key of Object.keys(other.transactions) as (keyof OutcomeCounts)[]) this.transactions[key] += other.transactions[key];
    this.balanceStampMismatches += other.balanceStampMismatches;
    for (const [reason, value] of Object.entries(other.deadLetters) as Array<[DeadLetterReason, number]>) increment(this.#deadLetters, reason, value);
    for (const [feed, byKind] of Object.entries(other.alerts)) {
      const ours = (this.#alerts[feed] ??= {});
      for (const [kind, byPriority] of Object.entries(byKind)) for (const [priority, value] of Object.entries(byPriority)) increment((ours[kind] ??= {}), priority, value);
    }
    for (const [feed, byTier] of Object.entries(other.alertsByTier)) for (const [tier, value] of Object.entries(byTier)) increment((this.#alertsByTier[feed] ??= {}), tier, value);
    this.#published += other.published;
    for (const rmId of other.rms) this.#rms.add(rmId);
    for (const [rmId, weeks] of other.rmWeeks) {
      const ours = this.#rmWeeks.get(rmId) ?? new Map<number, number>();
      for (const [week, value] of weeks) ours.set(week, (ours.get(week) ?? 0) + value);
      this.#rmWeeks.set(rmId, ours);
    }
    this.#unassigned += other.unassigned;
    for (const [outcome, value] of Object.entries(other.outcomes)) increment(this.#outcomes, outcome, value);
  }

  summary(input: { endedAt: number; elapsedMs: number; peakRssBytes: number }): ReplaySummary {
    const seen = this.#firstEventTime <= this.#lastEventTime;
    const deadLetterTotal = Object.values(this.#deadLetters).reduce((sum, count) => sum + count, 0);
    const outcomeTotal = Object.values(this.#outcomes).reduce((sum, count) => sum + count, 0);
    return {
      events: this.events,
      customers: this.customers.size,
      profiles: this.profiles,
      productEvents: this.productEvents,
      profileUpdates: this.profileUpdates,
      transactions: { ...this.transactions },
      balanceStampMismatches: this.balanceStampMismatches,
      deadLetters: { total: deadLetterTotal, byReason: sortedKeys(this.#deadLetters as Record<string, number>) as Partial<Record<DeadLetterReason, number>> },
      timersFired: this.timersFired,
      alerts: sortedKeys(this.#alerts, (byKind) => sortedKeys(byKind, (byPriority) => sortedKeys(byPriority))),
      alertsByTier: sortedKeys(this.#alertsByTier, (byTier) => sortedKeys(byTier)),
      publishedRecords: this.#published,
      rmLoad: this.#rmLoad(seen ? this.#firstEventTime : null, seen ? input.endedAt : null),
      outcomes: { total: outcomeTotal, byOutcome: sortedKeys(this.#outcomes) },
      firstEventTime: seen ? new Date(this.#firstEventTime).toISOString() : null,
      lastEventTime: seen ? new Date(this.#lastEventTime).toISOString() : null,
      endedAt: seen ? new Date(input.endedAt).toISOString() : null,
      elapsedMs: input.elapsedMs,
      eventsPerSecond: input.elapsedMs > 0 ? (this.events / input.elapsedMs) * 1000 : 0,
      peakRssBytes: input.peakRssBytes,
    };
  }

  #rmLoad(from: number | null, to: number | null): RmLoad {
    const empty = { rms: this.#rms.size, weeks: 0, median: 0, max: 0, busiest: null, unassigned: this.#unassigned };
    if (from === null || to === null) return empty;
    const firstWeek = weekIndexOf(this.calendar.dayOf(from));
    const lastWeek = weekIndexOf(this.calendar.dayOf(to));
    const counts: number[] = [];
    let busiest: RmLoad['busiest'] = null;
    let max = 0;
    for (const rmId of [...this.#rms].sort()) {
      const weeks = this.#rmWeeks.get(rmId);
      for (let week = firstWeek; week <= lastWeek; week += 1) {
        const count = weeks?.get(week) ?? 0;
        counts.push(count);
        if (count > max) {
          max = count;
          busiest = { rmId, week: isoWeekLabel(week) };
        }
      }
    }
    return { ...empty, weeks: lastWeek - firstWeek + 1, median: median(counts), max, busiest };
  }
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
