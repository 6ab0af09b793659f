const EVERY_MS = 500;
const BAR_WIDTH = 24;

const count = (value: number) => Math.round(value).toLocaleString('en-US');

/**
 * One self-overwriting line on a terminal (stderr): events so far, the rate, and a bar with the percentage when
 * the input's size is known. Nothing at all when stderr is not a terminal, so logs and pipes stay clean.
 */
export class ReplayProgress {
  readonly #startedAt: number;
  #shownAt: number;
  #shown = false;
  #bytesRead = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
    private readonly totalBytes: number | null,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#startedAt = now();
    this.#shownAt = this.#startedAt;
  }

  bytes(bytesRead: number): void {
    this.#bytesRead = bytesRead;
  }

  events(events: number): void {
    if (!this.enabled) return;
    const now = this.now();
    if (now - this.#shownAt < EVERY_MS) return;
    this.#shownAt = now;
    this.#shown = true;
    const rate = (events / Math.max(1, now - this.#startedAt)) * 1000;
    const known = this.totalBytes !== null && this.totalBytes > 0;
    const share = known ? Math.min(1, this.#bytesRead / this.totalBytes!) : 0;
    const filled = Math.round(share * BAR_WIDTH);
    const bar = known ? `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${(share * 100).toFixed(0).padStart(3)}%  ` : '';
    this.write(`\r\x1b[2Kreplaying ${bar}${count(events)} events  ${count(rate)} events/s`);
  }

  /** Clears the line, so the summary starts on a clean one. */
  finish(): void {
    if (this.#shown) this.write('\r\x1b[2K');
  }
}
