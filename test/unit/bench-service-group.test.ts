import { describe, expect, it } from 'vitest';
import { benchConfig } from '../../bench/config.ts';
import type { ServiceCounters, ServiceSnapshot } from '../../bench/prometheus.ts';
import type { ServiceHandle } from '../../bench/service-handle.ts';
import { serviceGroup } from '../../bench/service-group.ts';

const counters = (records: number, cpuSeconds: number): ServiceCounters => ({
  redisRoundTrips: records / 100,
  recordsConsumed: records,
  transactionsConsumed: records,
  batches: 1,
  batchSeconds: 0.5,
  rmAlerts: 2,
  alertRecords: 3,
  deadLetters: 0,
  tooLate: 0,
  duplicates: 0,
  cpuSeconds,
  customerLoads: records / 2,
});

/** A stand-in for one service process: what the group asks of it, with what it was asked recorded. */
function member(options: { joinedAt: number; joinsAfterMs?: number; snapshot: ServiceSnapshot; rss?: number; peak?: number; stopFails?: boolean; pid?: number }) {
  const calls = { stopped: 0 };
  const handle: ServiceHandle = {
    joined: new Promise((resolve) => setTimeout(() => resolve(options.joinedAt), options.joinsAfterMs ?? 0)),
    snapshot: async () => options.snapshot,
    assertRunning: () => {},
    stop: async () => {
      calls.stopped += 1;
      if (options.stopFails === true) throw new Error(`instance ${options.pid ?? 0} exited 1 on SIGTERM`);
    },
    process: { pid: options.pid ?? 1, residentBytes: async () => options.rss, peakResidentBytes: async () => options.peak },
  };
  return { handle, calls };
}

describe('a group of service instances measured as one (BENCH_INSTANCES)', () => {
  it('sums every counter, takes the worst event loop, and starts its clock when the first instance joins', async () => {
    const a = member({ joinedAt: 1_200, joinsAfterMs: 40, snapshot: { counters: counters(1_000, 2), eventLoopDelayP99Ms: 30, eventLoopDelayMaxMs: 90 }, rss: 100, peak: 150, pid: 11 });
    const b = member({ joinedAt: 1_000, joinsAfterMs: 5, snapshot: { counters: counters(3_000, 5), eventLoopDelayP99Ms: 70, eventLoopDelayMaxMs: 80 }, rss: 200, peak: 260, pid: 12 });
    const group = serviceGroup([a.handle, b.handle]);
    expect(await group.joined).toBe(1_000);
    const snapshot = await group.snapshot();
    expect(snapshot.counters).toEqual({ ...counters(4_000, 7), batches: 2, batchSeconds: 1, rmAlerts: 4, alertRecords: 6 });
    expect(snapshot.eventLoopDelayP99Ms).toBe(70);
    expect(snapshot.eventLoopDelayMaxMs).toBe(90);
    expect(group.process?.pid).toBe(11);
    // the first may consume while the others start: a saturation counts their counters from the processes' start
    expect(group.countsFromStart).toBe(true);
    expect(await group.process?.residentBytes()).toBe(300);
    expect(await group.process?.peakResidentBytes()).toBe(410);
  });

  it('does not wait for the others: what the first instance consumes before they join is counted', async () => {
    const first = member({ joinedAt: 500, snapshot: { counters: counters(1, 0), eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0 } });
    const stillJoining: ServiceHandle = { ...first.handle, joined: new Promise<number>(() => {}) };
    expect(await serviceGroup([stillJoining, first.handle]).joined).toBe(500);
  });

  it('stops every instance even when one fails, then reports that failure; an unreadable resident set is no sum', async () => {
    const a = member({ joinedAt: 0, snapshot: { counters: counters(1, 0), eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0 }, stopFails: true, pid: 21, rss: 5 });
    const b = member({ joinedAt: 0, snapshot: { counters: counters(1, 0), eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0 }, pid: 22 });
    const group = serviceGroup([a.handle, b.handle]);
    await expect(group.stop()).rejects.toThrow('instance 21 exited 1 on SIGTERM');
    expect([a.calls.stopped, b.calls.stopped]).toEqual([1, 1]);
    expect(await group.process?.residentBytes()).toBeUndefined();
  });

  it('is the instance itself when there is one; none is refused', () => {
    const only = member({ joinedAt: 0, snapshot: { counters: counters(1, 0), eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0 } });
    expect(serviceGroup([only.handle])).toBe(only.handle);
    expect(() => serviceGroup([])).toThrow('at least one instance');
  });

  it('the configuration takes 1 to 6 instances, and only one inside the bench process or under the CPU profiler', () => {
    expect(benchConfig({}).BENCH_INSTANCES).toBe(1);
    expect(benchConfig({ BENCH_INSTANCES: '3' }).BENCH_INSTANCES).toBe(3);
    expect(() => benchConfig({ BENCH_INSTANCES: '0' })).toThrow();
    expect(() => benchConfig({ BENCH_INSTANCES: '7' })).toThrow();
    expect(() => benchConfig({ BENCH_INSTANCES: '2', BENCH_IN_PROCESS: '1' })).toThrow('BENCH_INSTANCES must be 1');
    expect(() => benchConfig({ BENCH_INSTANCES: '2', BENCH_CPU_PROFILE: '/tmp/profiles' })).toThrow('BENCH_INSTANCES must be 1');
  });
});
