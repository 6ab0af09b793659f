import type { Admin } from 'kafkajs';
import { committedOffsets, reached, totalOf } from './kafka.ts';
import type { Offsets } from './kafka.ts';
import { countersBetween, zeroCounters } from './prometheus.ts';
import type { ServiceCounters } from './prometheus.ts';
import { sleep, withTimeout } from './progress.ts';
import type { ServiceHandle } from './service-handle.ts';

const POLL_MS = 50;
const JOIN_TIMEOUT_MS = 60_000;

export interface SaturationResult {
  transactions: number;
  profiles: number;
  /** Transactions committed when the clock stopped (all of them unless the deadline came first). */
  committed: number;
  finished: boolean;
  /** Group joined (consumption starts) to every offset of both input topics committed. */
  milliseconds: number;
  perSecond: number;
  /** From the first commit seen on the transactions topic to the end: the rate without the first batch's start-up. */
  steadyPerSecond: number;
  /** The service started (its process spawned, or startService() called in-process) to the consumer group joined. */
  startupMilliseconds: number;
  /** Group joined to the first transactions commit seen (the first batch, polled every 50 ms). */
  firstCommitMilliseconds: number;
  /** From the group join to the end. */
  counters: ServiceCounters;
}

export interface SaturationInput {
  service: ServiceHandle;
  /** performance.now() just before the service was started. */
  startedAt: number;
  group: string;
  topics: { transactions: string; profiles: string };
  ends: { transactions: Offsets; profiles: Offsets };
  deadlineMs: number;
}

/** Times the freshly started service on the pre-filled topics until it has committed everything. */
export async function measureSaturation(admin: Admin, input: SaturationInput): Promise<SaturationResult> {
  const { service, group, topics, ends } = input;
  const joinedAt = await withTimeout(service.joined, JOIN_TIMEOUT_MS, 'the service joining its consumer group');
  // counted from the join: the start-up (tsx compiling the sources, connecting) is not the phase's CPU; a group's
  // first instance may have consumed while the others started, so its counters count from the start
  const atJoin = service.countsFromStart === true ? zeroCounters() : (await service.snapshot()).counters;
  let firstCommit: { at: number; committed: number } | undefined;
  let committed = 0;
  let finished = false;
  while (performance.now() - joinedAt < input.deadlineMs) {
    service.assertRunning();
    const [transactions, profiles] = await Promise.all([committedOffsets(admin, group, topics.transactions), committedOffsets(admin, group, topics.profiles)]);
    committed = totalOf(transactions);
    if (firstCommit === undefined && committed > 0) firstCommit = { at: performance.now(), committed };
    if (reached(transactions, ends.transactions) && reached(profiles, ends.profiles)) {
      finished = true;
      break;
    }
    await sleep(POLL_MS);
  }
  const doneAt = performance.now();
  const milliseconds = doneAt - joinedAt;
  const steady = firstCommit ?? { at: joinedAt, committed: 0 };
  return {
    transactions: totalOf(ends.transactions),
    profiles: totalOf(ends.profiles),
    committed,
    finished,
    milliseconds,
    perSecond: committed / (milliseconds / 1000),
    steadyPerSecond: (committed - steady.committed) / ((doneAt - steady.at) / 1000),
    startupMilliseconds: joinedAt - input.startedAt,
    firstCommitMilliseconds: steady.at - joinedAt,
    counters: countersBetween(atJoin, (await service.snapshot()).counters),
  };
}
