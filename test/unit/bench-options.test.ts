import { describe, expect, it } from 'vitest';
import { BENCH_USAGE, benchCommand, benchConfig } from '../../bench/config.ts';
import { liveHeapSlopePerMillion, markPoints, monthsFor, startFor } from '../../bench/replay-memory.ts';
import type { MemoryMark } from '../../bench/replay-memory.ts';
import { parseReplayBenchArgs, REPLAY_BENCH_USAGE, UsageError } from '../../bench/replay-options.ts';

describe('npm run bench: command line', () => {
  it('runs with no options, prints usage for --help and -h, refuses anything else', () => {
    expect(benchCommand([])).toBe('run');
    expect(benchCommand(['--help'])).toBe('help');
    expect(benchCommand(['-h'])).toBe('help');
    expect(benchCommand(['--customers', '5'])).toEqual({ error: expect.stringMatching(/takes no options \(--customers 5\).*BENCH_\*/) });
  });

  it('names every knob of its configuration in the usage', () => {
    for (const knob of Object.keys(benchConfig({}))) expect(BENCH_USAGE).toContain(knob);
  });

  it('measures the alternative client by default and can be told not to', () => {
    expect(benchConfig({}).BENCH_ALT_CLIENT).toBe('platformatic');
    expect(benchConfig({}).BENCH_RAW_ROUNDS).toBe(2);
    expect(benchConfig({ BENCH_ALT_CLIENT: 'none' }).BENCH_ALT_CLIENT).toBe('none');
    expect(() => benchConfig({ BENCH_ALT_CLIENT: 'rdkafka' })).toThrow();
  });
});

describe('npm run bench:replay: command line', () => {
  it('prints usage for --help and -h, whatever else is given', () => {
    expect(parseReplayBenchArgs(['--help'])).toEqual({ help: true });
    expect(parseReplayBenchArgs(['-h', '--input', 'x'])).toEqual({ help: true });
    expect(REPLAY_BENCH_USAGE).toMatch(/--memory N/);
    expect(REPLAY_BENCH_USAGE).toMatch(/--rules FILE/);
  });

  it('speed by default: 2,000 customers × 6 months, workers 1 and 2, the default rules', () => {
    const parsed = parseReplayBenchArgs([]);
    if (parsed.help) throw new Error('unexpected help');
    expect(parsed.options).toMatchObject({ customers: 2_000, months: 6, workers: [1, 2], 'chunk-size': 2_000 });
    expect(parsed.options.memory).toBeUndefined();
    expect(parsed.options.rules).toMatch(/rules\/default\.yaml$/);
  });

  it('memory: 10,000 customers unless told, a look every 500,000 postings', () => {
    const parsed = parseReplayBenchArgs(['--memory', '10000000']);
    if (parsed.help) throw new Error('unexpected help');
    expect(parsed.options).toMatchObject({ memory: 10_000_000, customers: 10_000, 'sample-every': 500_000, seed: 42 });
    const fewer = parseReplayBenchArgs(['--memory', '100', '--customers', '50']);
    expect(fewer.help === false && fewer.options.customers).toBe(50);
  });

  it('refuses unknown options, bad numbers and options of the other mode as usage errors', () => {
    expect(() => parseReplayBenchArgs(['--bogus'])).toThrow(UsageError);
    expect(() => parseReplayBenchArgs(['--customers', '-3'])).toThrow(/--customers/);
    expect(() => parseReplayBenchArgs(['--workers', '0'])).toThrow(UsageError);
    expect(() => parseReplayBenchArgs(['extra'])).toThrow(UsageError);
    expect(() => parseReplayBenchArgs(['--memory', '1000', '--workers', '2'])).toThrow(/--workers do not apply/);
    expect(() => parseReplayBenchArgs(['--memory', '1000', '--input', 'x'])).toThrow(/--input/);
    expect(() => parseReplayBenchArgs(['--sample-every', '10'])).toThrow(/--memory only/);
  });
});

describe('bench:replay --memory: marks and slope', () => {
  it('looks every N postings and at the end', () => {
    expect(markPoints(10, 4)).toEqual([4, 8, 10]);
    expect(markPoints(8, 4)).toEqual([4, 8]);
    expect(markPoints(3, 4)).toEqual([3]);
  });

  it('asks the generator for a period long enough, ending before today', () => {
    expect(monthsFor(10_000_000, 10_000)).toBe(56);
    expect(monthsFor(10, 10_000)).toBe(1);
    expect(startFor(56, new Date('2026-12-07T03:00:00Z'))).toBe('2022-03-01');
    expect(startFor(1, new Date('2026-01-15T00:00:00Z'))).toBe('2025-11-01');
  });

  const mark = (postings: number, liveHeapMiB: number): MemoryMark => ({ postings, seconds: 0, rssBytes: 0, heapUsedBytes: 0, liveHeapBytes: liveHeapMiB * 2 ** 20, peakRssBytes: 0 });

  it('fits the live heap per million postings from a given mark on', () => {
    const flat = [mark(0, 20), mark(1e6, 300), mark(2e6, 301), mark(3e6, 299), mark(4e6, 300)];
    expect(Math.abs(liveHeapSlopePerMillion(flat, 1e6))).toBeLessThan(2 ** 20);
    const growing = [mark(1e6, 100), mark(2e6, 110), mark(3e6, 120)];
    expect(liveHeapSlopePerMillion(growing, 1e6) / 2 ** 20).toBeCloseTo(10);
    expect(liveHeapSlopePerMillion(growing, 3e6)).toBeNaN();
  });
});
