import { describe, expect, it } from 'vitest';
import { resultOf } from '../../bench/baseline.ts';
import type { RawConsumeResult, RawConsumeTarget } from '../../bench/baseline.ts';
import { alternativeVersion, bestOf, checkCount, compareClients, roundOrder } from '../../bench/client-comparison.ts';
import { rawConsumeRows } from '../../bench/report.ts';

const result = (records: number, milliseconds: number): RawConsumeResult => ({ records, milliseconds, perSecond: records / (milliseconds / 1000), firstToLastMilliseconds: milliseconds / 2 });

describe('bench: raw consume of kafkajs beside an alternative client', () => {
  it('alternates the clients so that neither always runs first (A B B A)', () => {
    expect(roundOrder(1, true)).toEqual(['kafkajs', 'alternative']);
    expect(roundOrder(2, true)).toEqual(['kafkajs', 'alternative', 'alternative', 'kafkajs']);
    expect(roundOrder(3, true)).toEqual(['kafkajs', 'alternative', 'alternative', 'kafkajs', 'kafkajs', 'alternative']);
    expect(roundOrder(2, false)).toEqual(['kafkajs', 'kafkajs']);
  });

  it('times from the group join when there was one, and keeps first record to last beside it', () => {
    expect(resultOf(1_000, 100, 150, 300)).toEqual({ records: 1_000, milliseconds: 200, perSecond: 5_000, firstToLastMilliseconds: 150 });
    expect(resultOf(1_000, undefined, 150, 300).milliseconds).toBe(150);
    expect(resultOf(1, undefined, 10, 10).perSecond).toBeNaN();
  });

  it('fails a consume that counted other than every record on the topic', () => {
    expect(() => checkCount('kafkajs', result(10, 1), 10)).not.toThrow();
    expect(() => checkCount('kafkajs', result(9, 1), 10)).toThrow(/counted 9 records where the topic holds 10: records missing/);
    expect(() => checkCount('kafkajs', result(11, 1), 10)).toThrow(/delivered twice/);
  });

  it('takes the fastest round as the client ceiling', () => {
    expect(bestOf([result(10, 5), result(10, 2), result(10, 4)]).milliseconds).toBe(2);
    expect(() => bestOf([])).toThrow();
  });

  it('reads the installed version of the alternative client', () => {
    expect(alternativeVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  const run = (alternative: (target: RawConsumeTarget) => Promise<RawConsumeResult>, withAlternative = true) => {
    const groups: string[] = [];
    const lines: string[] = [];
    const comparison = compareClients({
      consumers: { kafkajs: async (target) => (groups.push(target.groupId), result(target.expected, groups.length === 1 ? 10 : 5)), alternative: async (target) => (groups.push(target.groupId), alternative(target)) },
      topic: 'tx',
      expected: 1_000,
      timeoutMs: 1_000,
      rounds: 2,
      withAlternative,
      groupFor: (client, round) => `${client}-${round}`,
      say: (line) => lines.push(line),
    });
    return { comparison, groups, lines };
  };

  it('runs every round from a group of its own and quotes the alternative against kafkajs of the same run', async () => {
    const { comparison, groups } = run(async (target) => result(target.expected, 20));
    const measured = await comparison;
    expect(groups).toEqual(['kafkajs-1', 'alternative-1', 'alternative-2', 'kafkajs-2']);
    expect(measured.baseline.milliseconds).toBe(5);
    expect(measured.kafkajsRounds).toHaveLength(2);
    expect(measured.alternative.rounds).toHaveLength(2);
    expect(measured.alternative.ratioToKafkajs).toBeCloseTo(0.25);
    expect(measured.alternative.error).toBeNull();
    expect(rawConsumeRows(measured).map((row) => row[1]).join('\n')).toMatch(/0\.25×/);
  });

  it('records why the alternative did not work (and measures kafkajs on), never a made-up figure', async () => {
    const { comparison, groups } = run(async () => {
      throw new Error('UNSUPPORTED_VERSION');
    });
    const measured = await comparison;
    expect(groups).toEqual(['kafkajs-1', 'alternative-1', 'kafkajs-2']);
    expect(measured.alternative.best).toBeNull();
    expect(measured.alternative.ratioToKafkajs).toBeNaN();
    expect(measured.alternative.error).toBe('UNSUPPORTED_VERSION');
    expect(rawConsumeRows(measured).map((row) => row[1]).join('\n')).toMatch(/DID NOT WORK: UNSUPPORTED_VERSION/);
  });

  it('an alternative that counts short is a failure too, not a fast figure', async () => {
    const measured = await run(async (target) => result(target.expected - 1, 1)).comparison;
    expect(measured.alternative.error).toMatch(/records missing/);
    expect(measured.alternative.best).toBeNull();
  });

  it('says so when the alternative is switched off', async () => {
    const measured = await run(async () => result(1, 1), false).comparison;
    expect(measured.alternative.skipped).toBe(true);
    expect(rawConsumeRows(measured).map((row) => row[1]).join('\n')).toMatch(/not measured \(BENCH_ALT_CLIENT=none\)/);
  });

  it('fails the run when kafkajs itself counts wrong: there is nothing to compare with', async () => {
    const comparison = compareClients({
      consumers: { kafkajs: async () => result(5, 1), alternative: async () => result(10, 1) },
      topic: 'tx',
      expected: 10,
      timeoutMs: 1_000,
      rounds: 1,
      withAlternative: true,
      groupFor: (client, round) => `${client}-${round}`,
      say: () => {},
    });
    await expect(comparison).rejects.toThrow(/kafkajs raw consume counted 5/);
  });
});
