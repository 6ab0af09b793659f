import type { Producer } from 'kafkajs';
import type { LiveTraffic } from './live-traffic.ts';
import { encodeKeyed } from './produce.ts';
import type { AvroTarget } from './produce.ts';
import { sleep } from './progress.ts';

export interface PacingOptions {
  perSecond: number;
  durationMs: number;
  /** How often a small batch goes out: the records that fell due since the last one. */
  tickMs: number;
}

export interface PacedRun {
  produced: number;
  designed: number;
  /** First send to last send. */
  windowMs: number;
  achievedPerSecond: number;
  sends: number;
}

/** Never more than this in one send, even after a stall: the pace catches up in small steps. */
const MAX_RECORDS_PER_SEND = 500;

/**
 * Produces live traffic at a fixed rate for a while: every tick, the records that fell due, stamped with the wall
 * clock as their event time. Each designed alert's send time is reported just before its send.
 */
export async function producePaced(
  producer: Producer,
  target: AvroTarget,
  traffic: LiveTraffic,
  options: PacingOptions,
  onDesignedSent: (transactionId: string, sentAt: number) => void,
): Promise<PacedRun> {
  const inFlight = new Set<Promise<void>>();
  const failures: unknown[] = [];
  const startedAt = performance.now();
  let lastSendAt = startedAt;
  let produced = 0;
  let designed = 0;
  let sends = 0;
  for (let elapsed = 0; elapsed < options.durationMs; elapsed = performance.now() - startedAt) {
    if (failures.length > 0) throw failures[0];
    const due = Math.min(MAX_RECORDS_PER_SEND, Math.floor((elapsed * options.perSecond) / 1000) - produced);
    if (due > 0) {
      const live = Array.from({ length: due }, () => traffic.next(Date.now()));
      const messages = await encodeKeyed(target, live.map((entry) => entry.transaction));
      lastSendAt = performance.now();
      for (const entry of live) {
        if (!entry.designedAlert) continue;
        designed += 1;
        onDesignedSent(entry.transaction.transactionId, lastSendAt);
      }
      const send: Promise<void> = producer
        .send({ topic: target.topic, messages, acks: -1 })
        .then(
          () => undefined,
          (error: unknown) => {
            failures.push(error);
          },
        )
        .finally(() => inFlight.delete(send));
      inFlight.add(send);
      produced += due;
      sends += 1;
    }
    await sleep(options.tickMs);
  }
  await Promise.all(inFlight);
  if (failures.length > 0) throw failures[0];
  const windowMs = lastSendAt - startedAt;
  return { produced, designed, windowMs, achievedPerSecond: produced / (windowMs / 1000), sends };
}
