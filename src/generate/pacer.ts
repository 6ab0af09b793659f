import { setTimeout as sleep } from 'node:timers/promises';

/** Behind schedule by more than this, the schedule restarts from now instead of bursting to catch up. */
const MAX_BACKLOG_MS = 1000;

/** Holds a producer to a rate: before each batch it waits until the records already sent are due. */
export class Pacer {
  private startedAt: number | undefined;
  private sent = 0;

  constructor(
    private readonly perSecond: number | null,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records per send: about 50 ms worth at the rate (at least 1, at most 500); 1000 when unpaced. */
  get batchSize(): number {
    if (this.perSecond === null) return 1000;
    return Math.min(500, Math.max(1, Math.round(this.perSecond / 20)));
  }

  async beforeSending(records: number): Promise<void> {
    if (this.perSecond === null) return;
    const now = this.now();
    this.startedAt ??= now;
    let due = this.startedAt + (this.sent / this.perSecond) * 1000;
    if (now - due > MAX_BACKLOG_MS) {
      this.startedAt = now - (this.sent / this.perSecond) * 1000;
      due = now;
    }
    if (due > now) await sleep(due - now);
    this.sent += records;
  }
}
