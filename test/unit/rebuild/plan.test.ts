import { describe, expect, it } from 'vitest';
import { parsePartitionList, planPartition, selectPartitions } from '../../../src/rebuild/plan.ts';
import type { PartitionOffsets } from '../../../src/rebuild/plan.ts';
import { incompletePartitions, rebuildSummaryText } from '../../../src/rebuild/summary.ts';
import type { PartitionRebuilt } from '../../../src/rebuild/partition.ts';
import { parseRebuildOptions } from '../../../src/cli/rebuild-command.ts';

const offsets = (overrides: Partial<Record<PartitionOffsets['role'], Partial<PartitionOffsets>>> = {}): PartitionOffsets[] =>
  (['transactions', 'profiles', 'outcomes', 'products'] as const).map((role) => ({ role, topic: `tw.${role}`, low: 0n, high: 100n, committed: 80n, ...overrides[role] }));

describe('selectPartitions', () => {
  it('takes every partition whose epoch is missing and whose group committed something, by default', () => {
    const { selected, skipped } = selectPartitions([0, 1, 2, 3], null, new Set([0, 2, 3]), new Set([0, 1, 2]));
    expect(selected).toEqual([0, 2]);
    expect(skipped).toEqual([{ partition: 3, reason: 'the group has committed nothing on it: the service starts it fresh' }]);
  });

  it('refuses asked-for partitions whose state is intact or that do not exist', () => {
    const { selected, skipped } = selectPartitions([0, 1], [1, 0, 7, 0], new Set([0]), new Set([0, 1]));
    expect(selected).toEqual([0]);
    expect(skipped.map((entry) => entry.partition)).toEqual([1, 7]);
    expect(skipped[0]!.reason).toMatch(/epoch is present/);
    expect(skipped[1]!.reason).toMatch(/no partition 7/);
  });
});

describe('planPartition', () => {
  it('replays each input topic from its earliest retained offset up to the committed one', () => {
    const plan = planPartition(2, offsets({ outcomes: { committed: null }, products: { committed: 0n } }));
    expect(plan.ranges).toEqual([
      { role: 'transactions', topic: 'tw.transactions', from: 0n, to: 80n },
      { role: 'profiles', topic: 'tw.profiles', from: 0n, to: 80n },
    ]);
    expect(plan.gaps).toEqual([]);
  });

  it('says which history retention no longer holds (low watermark above 0), and still replays the rest', () => {
    const plan = planPartition(0, offsets({ transactions: { low: 30n }, products: { low: 90n, committed: 50n } }));
    expect(plan.ranges.find((range) => range.role === 'transactions')).toEqual({ role: 'transactions', topic: 'tw.transactions', from: 30n, to: 80n });
    expect(plan.ranges.some((range) => range.role === 'products')).toBe(false);
    expect(plan.gaps).toEqual([
      'tw.transactions partition 0 starts at offset 30: 30 record(s) the service had processed are no longer retained',
      'tw.products partition 0 starts at offset 90: 50 record(s) the service had processed are no longer retained',
    ]);
  });
});

describe('parsePartitionList', () => {
  it('reads distinct partition numbers in order', () => {
    expect(parsePartitionList('3, 0,3')).toEqual([0, 3]);
  });

  it.each(['', '1,,2', '-1', 'a', '1.5'])('refuses %j', (text) => {
    expect(() => parsePartitionList(text)).toThrow(/partition numbers/);
  });
});

describe('parseRebuildOptions', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('defaults: partitions whose epoch is missing, timers fired up to now', () => {
    expect(parseRebuildOptions({}, now)).toEqual({ partitions: null, force: false, requireComplete: false, timersUntil: now });
  });

  it('takes partitions, flags and the instant of the loss', () => {
    expect(parseRebuildOptions({ partitions: '0,3', force: true, requireComplete: true, timersUntil: '2026-03-01T08:00:00Z' }, now)).toEqual({
      partitions: [0, 3],
      force: true,
      requireComplete: true,
      timersUntil: Date.parse('2026-03-01T08:00:00Z'),
    });
  });

  it('names the option that is wrong', () => {
    expect(() => parseRebuildOptions({ partitions: 'x' }, now)).toThrow(/--partitions: expected partition numbers/);
    expect(() => parseRebuildOptions({ timersUntil: 'soon' }, now)).toThrow(/--timers-until: expected an ISO date-time/);
    expect(() => parseRebuildOptions({ timersUntil: '2026-03-02T00:00:00Z' }, now)).toThrow(/--timers-until: must not be in the future/);
  });
});

describe('rebuildSummaryText', () => {
  const partition = (number: number, gaps: string[]): PartitionRebuilt => ({
    partition: number,
    recordsRead: { transactions: 100, profiles: 10, outcomes: 1, products: 2 },
    transactionsApplied: 98,
    customers: 10,
    alertsWithheld: 4,
    householdsWaiting: 1,
    timersFired: 12,
    refused: 2,
    interruptedRemoved: 0,
    gaps,
  });

  it('counts partitions, records, customers and withheld alerts; complete when nothing is missing', () => {
    const summary = { groupId: 'tidewatch', timersUntil: '2026-03-01T12:00:00.000Z', rebuilt: [partition(0, []), partition(3, [])], skipped: [{ partition: 1, reason: 'its epoch is present' }] };
    const text = rebuildSummaryText(summary);
    expect(text).toContain('partition 0: 113 records replayed (transactions 100, profiles 10, outcomes 1, products 2); 10 customers restored');
    expect(text).toContain('partition 1: skipped: its epoch is present');
    expect(text).toContain('4 alerts not published again, 1 customers\' household tier days left waiting, 2 records refused as before; epoch written');
    expect(text).toContain(
      'rebuilt 2 partition(s): 226 records replayed, 20 customers restored, 8 alerts not published again, 2 customers\' household tier days left waiting (the service tells them); incomplete partitions: none',
    );
    expect(text).not.toContain('WARNING');
  });

  it('says loudly which partitions are incomplete and why', () => {
    const summary = { groupId: 'tidewatch', timersUntil: '2026-03-01T12:00:00.000Z', rebuilt: [partition(0, []), partition(3, ['tw.transactions partition 3 starts at offset 30: 30 record(s) …'])], skipped: [] };
    expect(incompletePartitions(summary).map((entry) => entry.partition)).toEqual([3]);
    const text = rebuildSummaryText(summary);
    expect(text).toContain('partition 3: 113 records replayed');
    expect(text).toContain('; INCOMPLETE; epoch written');
    expect(text).toContain('incomplete partitions: 3');
    expect(text).toContain('WARNING: INCOMPLETE REBUILD of partition(s) 3');
    expect(text).toContain('  - tw.transactions partition 3 starts at offset 30');
  });
});
