import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Admin, Producer } from 'kafkajs';
import type { AlertReader } from './alert-reader.ts';
import { committedUpTo, topicEnds } from './kafka.ts';
import type { LiveTraffic } from './live-traffic.ts';
import { producePaced } from './paced-producer.ts';
import type { PacingOptions } from './paced-producer.ts';
import type { AvroTarget } from './produce.ts';
import { countersBetween } from './prometheus.ts';
import type { ServiceCounters } from './prometheus.ts';
import { sleep, withTimeout } from './progress.ts';
import type { ServiceHandle } from './service-handle.ts';
import { percentile } from './stats.ts';

const READER_CATCH_UP_MS = 30_000;
const SERVICE_CATCH_UP_MS = 60_000;
const LAST_ALERTS_GRACE_MS = 10_000;

export interface LatencyResult {
  targetPerSecond: number;
  achievedPerSecond: number;
  produced: number;
  windowMs: number;
  designedAlerts: number;
  samples: number;
  missing: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Last send to every offset committed by the service. */
  catchUpMs: number;
  /** Event-loop delay of the bench's process during the phase (its producer and reader; in-process, the service too). */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** The service's own event-loop delay over the phase, from its /metrics (prom-client, 10 ms resolution). */
  serviceEventLoopDelayP99Ms: number;
  serviceEventLoopDelayMaxMs: number;
  counters: ServiceCounters;
}

export interface LatencySetup {
  admin: Admin;
  service: ServiceHandle;
  serviceGroup: string;
  reader: AlertReader;
  alertsTopic: string;
  producer: Producer;
  target: AvroTarget;
  traffic: LiveTraffic;
}

/** With the service caught up: paced live traffic, and the time from each designed transaction to its RM alert. */
export async function measureLatency(setup: LatencySetup, pacing: PacingOptions): Promise<LatencyResult> {
  const { admin, service, reader } = setup;
  await reader.waitUntilAt(await topicEnds(admin, setup.alertsTopic), READER_CATCH_UP_MS);
  // this scrape also resets the service's event-loop delay histogram: the one after covers the phase
  const before = await service.snapshot();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const run = await producePaced(setup.producer, setup.target, setup.traffic, pacing, (transactionId, sentAt) => reader.expect(transactionId, sentAt));
  const lastSentAt = performance.now();
  const ends = await topicEnds(admin, setup.target.topic);
  await withTimeout(
    (async () => {
      while (!(await committedUpTo(admin, setup.serviceGroup, setup.target.topic, ends))) {
        service.assertRunning();
        await sleep(20);
      }
    })(),
    SERVICE_CATCH_UP_MS,
    'the service catching up with the live traffic',
  );
  const catchUpMs = performance.now() - lastSentAt;
  await reader.waitForExpected(LAST_ALERTS_GRACE_MS);
  loopDelay.disable();
  const after = await service.snapshot();
  const latencies = reader.latenciesMs;
  return {
    targetPerSecond: pacing.perSecond,
    achievedPerSecond: run.achievedPerSecond,
    produced: run.produced,
    windowMs: run.windowMs,
    designedAlerts: run.designed,
    samples: latencies.length,
    missing: reader.outstanding,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
    catchUpMs,
    eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    eventLoopDelayMaxMs: loopDelay.max / 1e6,
    serviceEventLoopDelayP99Ms: after.eventLoopDelayP99Ms,
    serviceEventLoopDelayMaxMs: after.eventLoopDelayMaxMs,
    counters: countersBetween(before.counters, after.counters),
  };
}
