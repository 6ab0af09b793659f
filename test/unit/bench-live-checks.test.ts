import { describe, expect, it } from 'vitest';
import { liveInputProblems } from '../../bench/live-checks.ts';
import type { ServiceCounters } from '../../bench/prometheus.ts';

const counters = (over: Partial<ServiceCounters> = {}): ServiceCounters => ({
  redisRoundTrips: 0,
  cpuSeconds: 0,
  customerLoads: 0,
  recordsConsumed: 0,
  transactionsConsumed: 0,
  batches: 0,
  batchSeconds: 0,
  rmAlerts: 0,
  alertRecords: 0,
  deadLetters: 0,
  tooLate: 0,
  duplicates: 0,
  ...over,
});

const healthy = {
  produced: 1_000,
  saturation: { finished: true, counters: counters({ transactionsConsumed: 1_000, deadLetters: 5, tooLate: 4 }) },
  latency: { produced: 100, designedAlerts: 2, samples: 2, counters: counters({ transactionsConsumed: 100 }) },
};

describe('live bench: the figures describe the run meant', () => {
  it('a run that consumed everything, refused under 1% and saw its alerts has no problem', () => {
    expect(liveInputProblems(healthy)).toEqual([]);
  });

  it('fails a service that ran fast over nothing: more than 1% refused', () => {
    const refusing = { ...healthy, saturation: { finished: true, counters: counters({ transactionsConsumed: 1_000, deadLetters: 1_000 }) } };
    expect(liveInputProblems(refusing)).toEqual([expect.stringMatching(/refused 1000 of 1000 transactions \(100\.00 %: 1000 dead-lettered, 0 too late\)/)]);
  });

  it('fails a service that consumed less than was produced (unless the deadline stopped the clock)', () => {
    const short = { ...healthy, saturation: { finished: true, counters: counters({ transactionsConsumed: 900 }) } };
    expect(liveInputProblems(short)).toEqual([expect.stringMatching(/consumed 900 of the 1000/)]);
    expect(liveInputProblems({ ...short, saturation: { ...short.saturation, finished: false } })).toEqual([]);
    const liveShort = { ...healthy, latency: { ...healthy.latency, counters: counters({ transactionsConsumed: 99 }) } };
    expect(liveInputProblems(liveShort)).toEqual([expect.stringMatching(/latency: the service consumed 99 of the 100/)]);
  });

  it('fails when no designed alert came back: no latency to quote', () => {
    expect(liveInputProblems({ ...healthy, latency: { ...healthy.latency, samples: 0 } })).toEqual([expect.stringMatching(/none of the 2 designed alerts/)]);
    expect(liveInputProblems({ ...healthy, latency: { ...healthy.latency, designedAlerts: 0, samples: 0 } })).toEqual([]);
  });
});
