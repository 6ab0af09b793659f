import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { familyTable } from '../../../src/backtest/family-table.ts';
import { runFamilyBacktest } from '../../../src/backtest/family.ts';
import { percent } from '../../../src/backtest/table.ts';
import { parseFamilyOptions } from '../../../src/cli/backtest-command.ts';
import { scorecardSchema } from '../../../src/core/scorecard.ts';

const quiet = { stdout: () => undefined, stderr: () => undefined };

describe('family backtest', () => {
  it('reads its options and refuses single-bank ones', () => {
    expect(parseFamilyOptions({ familySeed: '5', banks: '4', fit: '2', customers: '50' })).toMatchObject({ familySeed: 5, banks: 4, fit: 2, size: { customers: 50 } });
    expect(parseFamilyOptions({ familySeed: '5', workers: '2' }).workers).toBe(2);
    expect(() => parseFamilyOptions({ familySeed: '5', workers: '0' })).toThrow(/--workers/);
    expect(() => parseFamilyOptions({ familySeed: '5', rules: 'x.yaml' })).toThrow(/--rules: applies to a single bank/);
    expect(() => parseFamilyOptions({ familySeed: '5', banks: '2', fit: '2' })).toThrow(/--fit/);
    expect(parseFamilyOptions({ familySeed: '5', alertsOut: 'judged.jsonl' }).alertsOut).toBe('judged.jsonl');
  });

  it('fits on the first bank and reports on the other with that scorecard and its own rules preset', { timeout: 600_000 }, async () => {
    const alertsOut = join(mkdtempSync(join(tmpdir(), 'tidewatch-family-')), 'judged.jsonl');
    const result = await runFamilyBacktest({ familySeed: 11, banks: 2, fit: 1, size: { customers: 40, months: 8 }, json: null, scorecardOut: null, scorecard: null, alertsOut, quiet: true }, quiet);
    expect(scorecardSchema.safeParse(result.scorecard).success).toBe(true);
    expect(result.fittedOn.map((bank) => bank.index)).toEqual([0]);
    expect(result.reported.map((bank) => bank.index)).toEqual([1]);
    const [bank] = result.reported;
    expect(bank!.backtest.rulesVersion).toContain(result.scorecard.version);
    // one reported bank: it is the mean and the worst
    expect(result.mean).toEqual(bank!.goals);
    expect(result.worst.gradualWarned).toBe(bank!.goals.gradualWarned);
    const churners = bank!.backtest.population.labelled.churn;
    expect(bank!.goals.gradualChurners + bank!.goals.suddenExits).toBe(churners);
    // --alerts-out: the reported bank's RM churn alerts one by one, their timely ones the figure's share
    const judged = readFileSync(alertsOut, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { bank: number; verdict: string });
    expect(judged).toHaveLength(bank!.goals.rmChurnAlerts);
    expect(judged.every((alert) => alert.bank === 1)).toBe(true);
    expect(judged.length).toBeGreaterThan(0);
    expect(judged.filter((alert) => alert.verdict === 'timely').length / judged.length).toBe(bank!.goals.timelyRight);
    // the RM's load of churn calls is part of the load of every RM-feed alert
    expect(bank!.goals.rmWeekChurnMedian).toBeLessThanOrEqual(bank!.goals.rmWeekMedian);
    expect(bank!.goals.rmWeekChurnP90).toBeLessThanOrEqual(bank!.goals.rmWeekP90);
    expect(bank!.goals.rmWeekChurnP90).toBeGreaterThan(0);
    // the table tells gradual recall per churn pattern: the bank's own figures, under one column per pattern
    const lines = familyTable(result).split('\n');
    const title = lines.findIndex((line) => line.startsWith('gradual ≥14d, by churn pattern'));
    const patterns = lines[title]!.split(/\s{2,}/).slice(1);
    expect(patterns).toEqual(Object.keys(bank!.goals.gradualWarnedByPattern));
    expect(patterns.length).toBeGreaterThan(0);
    const byPattern = bank!.goals.gradualWarnedByPattern as Record<string, number | null>;
    expect(lines[title + 1]!.trim().split(/\s{2,}/)).toEqual(['mean', ...patterns.map((pattern) => percent(byPattern[pattern] ?? null))]);
  });
});
