import type { Admin, Consumer } from 'kafkajs';
import type { LagMetrics } from '../../observability/metrics.ts';
import type { Logger } from '../../observability/logger.ts';

/** What one owned partition looks like from here: the broker's view (polled) and the batches in hand. */
interface PartitionView {
  /** High watermark minus committed offset at the last poll; undefined before the first. */
  lag?: number;
  /** When a poll last found the partition caught up: every record waiting now was appended after that. */
  caughtUpAt?: number;
  /** Kafka timestamp of the first record of the batch being processed, if one is. */
  inFlightSince?: number;
  /** Kafka timestamp of the last record processed. */
  lastProcessed?: number;
}

export interface LagMonitor {
  /** A batch of this partition is being processed; `firstTimestamp` is its first record's Kafka timestamp (ms). */
  batchStarted(topic: string, partition: number, firstTimestamp: number): void;
  /** The batch is done (published and committed); `lastTimestamp` is its last record's Kafka timestamp (ms). */
  batchFinished(topic: string, partition: number, lastTimestamp: number): void;
  /** The partitions with a batch in hand (logged when a stop runs out of time). */
  inFlight(): Array<{ topic: string; partition: number }>;
  /** One poll of committed offsets and high watermarks (the interval calls this; tests call it directly). */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

export interface LagMonitorOptions {
  admin: Admin;
  consumer: Consumer;
  groupId: string;
  /** The topics the consumer subscribes to. */
  topics: readonly string[];
  intervalMs: number;
  metrics: LagMetrics;
  logger: Logger;
  clock?: () => number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The consumer lag of the partitions this instance owns, from the broker on an interval (never per record): the
 * group's committed offsets (admin.fetchOffsets, '-1' where nothing is committed yet: the consumer then starts at
 * the log start) against each partition's high and low watermarks (admin.fetchTopicOffsets). Each partition is
 * reported by its owner only, so a sum over pods counts it once.
 *
 * The age of the oldest unprocessed record, read at scrape time: the first record of the batch in hand if there is
 * one; 0 when the last poll found the partition caught up; otherwise an upper bound, from the later of the last
 * record processed and the last poll that found the partition caught up (the next record is younger than either).
 */
export function startLagMonitor(options: LagMonitorOptions): LagMonitor {
  const { admin, consumer, groupId, metrics, logger } = options;
  const clock = options.clock ?? Date.now;
  const subscribed = new Set(options.topics);
  const views = new Map<string, PartitionView & { topic: string; partition: number }>();

  const viewOf = (topic: string, partition: number) => views.get(key(topic, partition));

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const owned = new Set<string>();
    for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
      if (!subscribed.has(topic)) continue;
      for (const partition of partitions) {
        owned.add(key(topic, partition));
        if (!views.has(key(topic, partition))) views.set(key(topic, partition), { topic, partition });
      }
    }
    for (const [id, view] of views) {
      if (owned.has(id)) continue;
      views.delete(id);
      const labels = { topic: view.topic, partition: String(view.partition) };
      metrics.consumerLag.remove(labels);
      metrics.oldestUnprocessedAge.remove(labels);
    }
  });

  // computed when scraped, so that a stuck batch keeps ageing between polls
  metrics.onAgeScrape(() => {
    const now = clock();
    for (const view of views.values()) {
      const age = ageOf(view, now);
      const labels = { topic: view.topic, partition: String(view.partition) };
      if (age === undefined) metrics.oldestUnprocessedAge.remove(labels);
      else metrics.oldestUnprocessedAge.set(labels, age);
    }
  });

  let polling: Promise<void> | undefined;
  const poll = async () => {
    const byTopic = new Map<string, number[]>();
    for (const view of views.values()) byTopic.set(view.topic, [...(byTopic.get(view.topic) ?? []), view.partition]);
    if (byTopic.size === 0) return;
    try {
      const committed = await admin.fetchOffsets({ groupId, topics: [...byTopic.keys()] });
      for (const [topic, partitions] of byTopic) {
        const watermarks = await admin.fetchTopicOffsets(topic);
        const commits = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
        const now = clock();
        for (const partition of partitions) {
          const marks = watermarks.find((entry) => entry.partition === partition);
          const commit = commits.find((entry) => entry.partition === partition)?.offset;
          const view = viewOf(topic, partition);
          if (marks === undefined || commit === undefined || view === undefined) continue;
          view.lag = lagOf(commit, marks.low, marks.high);
          if (view.lag === 0) view.caughtUpAt = now;
          metrics.consumerLag.set({ topic, partition: String(partition) }, view.lag);
        }
      }
    } catch (error) {
      metrics.lagPollFailures.inc();
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'consumer lag poll failed; retrying next interval');
    }
  };
  const pollOnce = () => {
    polling ??= poll().finally(() => {
      polling = undefined;
    });
    return polling;
  };
  const timer = setInterval(() => void pollOnce(), options.intervalMs);
  timer.unref();

  return {
    batchStarted(topic, partition, firstTimestamp) {
      const view = viewOf(topic, partition);
      if (view !== undefined) view.inFlightSince = firstTimestamp;
    },
    batchFinished(topic, partition, lastTimestamp) {
      const view = viewOf(topic, partition);
      if (view === undefined) return;
      view.inFlightSince = undefined;
      view.lastProcessed = Math.max(view.lastProcessed ?? lastTimestamp, lastTimestamp);
    },
    inFlight: () => [...views.values()].filter((view) => view.inFlightSince !== undefined).map(({ topic, partition }) => ({ topic, partition })),
    poll: pollOnce,
    async stop() {
      clearInterval(timer);
      await polling;
    },
  };
}

/** Records not yet committed: from the committed offset (or the log start, if none or below it) to the high watermark. */
export function lagOf(committed: string, low: string, high: string): number {
  const end = BigInt(high);
  const start = BigInt(low);
  const at = committed === '-1' || BigInt(committed) < start ? start : BigInt(committed);
  return at >= end ? 0 : Number(end - at);
}

/** Seconds the oldest unprocessed record has waited, or undefined while nothing tells. */
export function ageOf(view: PartitionView, now: number): number | undefined {
  if (view.inFlightSince !== undefined) return Math.max(0, now - view.inFlightSince) / 1000;
  if (view.lag === undefined) return undefined;
  if (view.lag === 0) return 0;
  const since = Math.max(view.lastProcessed ?? -Infinity, view.caughtUpAt ?? -Infinity);
  return Number.isFinite(since) ? Math.max(0, now - since) / 1000 : undefined;
}
