import { describe, expect, it } from 'vitest';
import { parseTrainOptions } from '../../../src/cli/train-command.ts';
import type { ReplayedBank, Sample } from '../../../src/train/history.ts';
import { defaultOutcome } from '../../../src/train/outcome.ts';
import { splitSamples } from '../../../src/train/run.ts';

const sample = (bank: number, day: number): Sample => ({ bank, customerId: `C${day}`, day, values: new Float64Array(11), positive: false });
const bank = (index: number, days: number[]): ReplayedBank =>
  ({ description: `bank ${index}`, firstDay: 0, lastDay: 500, samples: days.map((day) => sample(index, day)), customers: 1, ends: { money_gone: 0, inactive: 0 }, sampled: days.length, censored: 0 }) as unknown as ReplayedBank;

describe('train split and options', () => {
  it('cuts each bank in time: the holdout\'s customer-days all come after the fit\'s', () => {
    // labelable days 0 .. 500 - 90 - 60 = 350; 60% of them: the cut at day 210
    const split = splitSamples([bank(0, [0, 100, 209, 210, 300])], { holdoutBanks: 0, fitShare: 0.6, horizonDays: 90, outcome: defaultOutcome }, 'test');
    expect(split.fit.map((entry) => entry.day)).toEqual([0, 100, 209]);
    expect(split.holdout.map((entry) => entry.day)).toEqual([210, 300]);
    expect(split.slices.holdout).toMatchObject({ fromDay: 210, toDay: 300 });
  });

  it('holds out whole banks when asked, never all of them', () => {
    const banks = [bank(0, [10]), bank(1, [20]), bank(2, [30])];
    const split = splitSamples(banks, { holdoutBanks: 1, fitShare: 0.6, horizonDays: 90, outcome: defaultOutcome }, 'test');
    expect(split.holdout.map((entry) => entry.bank)).toEqual([2]);
    expect(split.fit.map((entry) => entry.bank)).toEqual([0, 1]);
    expect(split.slices.holdout.source).toContain('other banks: bank 2');
    const capped = splitSamples(banks, { holdoutBanks: 5, fitShare: 0.6, horizonDays: 90, outcome: defaultOutcome }, 'test');
    expect(capped.fit.length).toBe(1);
  });

  it('takes folders or a family, not both, and a family bank keeps its own preset', () => {
    expect(parseTrainOptions({ input: ['a/', 'b/'] }, {}).banks.map((entry) => entry.source)).toEqual([{ kind: 'folder', path: 'a/' }, { kind: 'folder', path: 'b/' }]);
    const family = parseTrainOptions({ familySeed: '4', banks: '3', customers: '20', months: '6', out: 'x.json' }, {});
    expect(family.banks).toHaveLength(3);
    expect(new Set(family.banks.map((entry) => entry.rulesFile)).size).toBe(3);
    expect(family.out).toBe('x.json');
    expect(() => parseTrainOptions({ input: ['a/'], familySeed: '4' }, {})).toThrow(/one of the two/);
    expect(() => parseTrainOptions({ familySeed: '4', rules: 'r.yaml' }, {})).toThrow(/own rules preset/);
  });
});
