import { isoDateOf } from '../core/calendar.ts';

const EVERY_MS = 1000;

const formatCount = (value: number) => Math.round(value).toLocaleString('en-US');

/** A single self-overwriting line on a terminal: the day reached, events so far and the rate. Silent otherwise. */
export class Progress {
  private readonly startedAt: number;
  private lastShownAt: number;
  private shown = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
    this.lastShownAt = this.startedAt;
  }

  update(day: number, events: number): void {
    if (!this.enabled) return;
    const now = this.now();
    if (now - this.lastShownAt < EVERY_MS) return;
    this.lastShownAt = now;
    this.shown = true;
    const perSecond = (events / (now - this.startedAt)) * 1000;
    this.write(`\r\x1b[2Kgenerating ${isoDateOf(day)}  ${formatCount(events)} events  ${formatCount(perSecond)} events/s`);
  }

  /** Clears the line, so the summary starts on a clean one. */
  finish(): void {
    if (this.shown) this.write('\r\x1b[2K');
  }
}

export { formatCount };
