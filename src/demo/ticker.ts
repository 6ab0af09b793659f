import { isoDateOf } from '../core/calendar.ts';
import type { BusinessCalendar } from '../core/calendar.ts';
import type { AlertKind } from '../domain/alert.ts';
import type { PublishedRecord } from '../replay/records.ts';

const REASON_WIDTH = 110;

export interface TickerOptions {
  /** Lines at most. */
  max: number;
  /** The replay's first business day and how many days it spans: the lines are spread over them. */
  firstDay: number;
  days: number;
}

/**
 * One line per urgent or high RM alert as it fires (date, RM queue, customer, kind, priority, reason), at most `max`,
 * spread over the period: one per slot of days, never the same customer twice, never the same kind twice in a
 * row, so that a few lines show the whole year and every kind of news rather than one busy week.
 */
export class AlertTicker {
  readonly #slotDays: number;
  readonly #customers = new Set<string>();
  #lastSlot = -1;
  #lastKind: AlertKind | null = null;
  #shown = 0;
  #skipped = 0;

  constructor(
    private readonly calendar: BusinessCalendar,
    private readonly options: TickerOptions,
    private readonly write: (text: string) => void,
  ) {
    this.#slotDays = Math.max(1, Math.floor(options.days / Math.max(1, options.max)));
  }

  offer(record: PublishedRecord): void {
    if (record.feed !== 'rm') return;
    const { alert } = record;
    if (alert.priority !== 'URGENT' && alert.priority !== 'HIGH') return;
    const day = this.calendar.dayOf(alert.detectedAt);
    const slot = Math.floor((day - this.options.firstDay) / this.#slotDays);
    if (this.#shown >= this.options.max || slot <= this.#lastSlot || alert.kind === this.#lastKind || this.#customers.has(alert.customerId)) {
      this.#skipped += 1;
      return;
    }
    this.#shown += 1;
    this.#lastSlot = slot;
    this.#lastKind = alert.kind;
    this.#customers.add(alert.customerId);
    const reason = alert.reason.length > REASON_WIDTH ? `${alert.reason.slice(0, REASON_WIDTH - 1)}…` : alert.reason;
    this.write(`  ${isoDateOf(day)}  ${alert.queue.padEnd(10)} ${alert.customerId.padEnd(10)} ${alert.kind.padEnd(18)} ${alert.priority.padEnd(6)}  ${reason}\n`);
  }

  /** Says how many were not printed. */
  finish(): void {
    if (this.#shown === 0) this.write('  (none)\n');
    if (this.#skipped > 0) this.write(`  … and ${this.#skipped.toLocaleString('en-US')} more urgent or high alerts (all of them in the report)\n`);
  }
}
