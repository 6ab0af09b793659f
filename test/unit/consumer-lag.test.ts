import { EventEmitter } from 'node:events';
import type { Admin, Consumer } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ageOf, lagOf, startLagMonitor } from '../../src/adapters/kafka/consumer-lag.ts';
import { createMetrics } from '../../src/observability/metrics.ts';

describe('lagOf', () => {
  it('counts from the committed offset to the high watermark', () => {
    expect(lagOf('90', '0', '100')).toBe(10);
    expect(lagOf('100', '0', '100')).toBe(0);
  });

  it('counts from the log start where nothing is committed yet, or the commit was deleted by retention', () => {
    expect(lagOf('-1', '20', '100')).toBe(80);
    expect(lagOf('5', '20', '100')).toBe(80);
  });
});

describe('ageOf', () => {
  const now = 1_000_000;
  it('is the age of the batch in hand when there is one', () => {
    expect(ageOf({ lag: 0, inFlightSince: now - 4_000 }, now)).toBe(4);
  });
  it('is 0 when caught up, and unknown before the first poll', () => {
    expect(ageOf({ lag: 0, lastProcessed: now - 60_000 }, now)).toBe(0);
    expect(ageOf({}, now)).toBeUndefined();
  });
  it('is bounded by the later of the last record processed and the last time caught up, while records wait', () => {
    expect(ageOf({ lag: 5, lastProcessed: now - 60_000, caughtUpAt: now - 10_000 }, now)).toBe(10);
    expect(ageOf({ lag: 5, lastProcessed: now - 3_000, caughtUpAt: now - 10_000 }, now)).toBe(3);
    expect(ageOf({ lag: 5 }, now)).toBeUndefined();
  });
});

/** kafkajs' consumer as the monitor uses it: GROUP_JOIN events only. */
function fakeConsumer() {
  const emitter = new EventEmitter();
  const consumer = { events: { GROUP_JOIN: 'consumer.group_join' }, on: (event: string, listener: (event: unknown) => void) => emitter.on(event, listener) };
  return { consumer: consumer as unknown as Consumer, join: (memberAssignment: Record<string, number[]>) => emitter.emit('consumer.group_join', { payload: { memberAssignment } }) };
}

describe('startLagMonitor', () => {
  it('reports the owned partitions only, from one poll of commits and watermarks, and drops partitions handed away', { timeout: 10_000 }, async () => {
    const metrics = createMetrics();
    const calls: string[] = [];
    const admin = {
      fetchOffsets: async ({ topics }: { topics: string[] }) => {
        calls.push(`offsets ${topics.join(',')}`);
        return [{ topic: 'tx', partitions: [0, 1, 2].map((partition) => ({ partition, offset: partition === 1 ? '-1' : '40', metadata: null })) }];
      },
      fetchTopicOffsets: async (topic: string) => {
        calls.push(`watermarks ${topic}`);
        return [0, 1, 2].map((partition) => ({ partition, offset: '50', high: '50', low: '0' }));
      },
    } as unknown as Admin;
    const { consumer, join } = fakeConsumer();
    let now = 100_000;
    const monitor = startLagMonitor({ admin, consumer, groupId: 'g', topics: ['tx'], intervalMs: 60_000, metrics, logger: pino({ level: 'silent' }), clock: () => now });
    join({ tx: [0, 1], 'not-mine': [0] });
    await monitor.poll();
    expect(calls).toEqual(['offsets tx', 'watermarks tx']);
    const lag = async () => (await metrics.consumerLag.get()).values.map(({ labels, value }) => [labels['partition'], value]);
    expect(await lag()).toEqual([
      ['0', 10],
      ['1', 50],
    ]);

    monitor.batchStarted('tx', 0, now - 7_000);
    now += 1_000;
    const ages = async () => {
      await metrics.registry.metrics();
      return (await metrics.oldestUnprocessedAge.get()).values.map(({ labels, value }) => [labels['partition'], value]);
    };
    // partition 0: its batch in hand; partition 1: nothing processed or caught up yet, so nothing to tell
    expect(await ages()).toEqual([['0', 8]]);
    expect(monitor.inFlight()).toEqual([{ topic: 'tx', partition: 0 }]);
    monitor.batchFinished('tx', 0, now - 2_000);
    expect(await ages()).toEqual([['0', 2]]);
    expect(monitor.inFlight()).toEqual([]);

    join({ tx: [1] });
    expect(await lag()).toEqual([['1', 50]]);
    expect(await ages()).toEqual([]);
    await monitor.stop();
  });

  it('counts a failed poll and keeps the last values', { timeout: 10_000 }, async () => {
    const metrics = createMetrics();
    let fail = false;
    const admin = {
      fetchOffsets: async () => {
        if (fail) throw new Error('coordinator not available');
        return [{ topic: 'tx', partitions: [{ partition: 0, offset: '8', metadata: null }] }];
      },
      fetchTopicOffsets: async () => [{ partition: 0, offset: '10', high: '10', low: '0' }],
    } as unknown as Admin;
    const { consumer, join } = fakeConsumer();
    const monitor = startLagMonitor({ admin, consumer, groupId: 'g', topics: ['tx'], intervalMs: 60_000, metrics, logger: pino({ level: 'silent' }) });
    join({ tx: [0] });
    await monitor.poll();
    fail = true;
    await monitor.poll();
    expect((await metrics.consumerLag.get()).values.map(({ value }) => value)).toEqual([2]);
    expect((await metrics.lagPollFailures.get()).values[0]?.value).toBe(1);
    await monitor.stop();
  });
});
