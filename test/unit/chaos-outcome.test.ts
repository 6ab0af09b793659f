import { describe, expect, it } from 'vitest';
import { compare, formatTable, verdict } from '../../scripts/chaos/outcome.ts';
import type { Outcome } from '../../scripts/chaos/outcome.ts';
import { seededRandom } from '../../bench/random.ts';

const outcome = (rm: Array<[string, string]>, states: Array<[string, string | null]>): Outcome => ({
  alerts: { rm: rm.map(([id, content]) => ({ id, content })), risk: [], campaign: [] },
  states: new Map(states),
});

describe('fault suite: a pass under a fault against the clean pass', () => {
  const clean = outcome([['a', '1'], ['b', '2'], ['c', '3']], [['c-1', 's1'], ['c-2', 's2']]);

  it('counts missing, extra, divergent and duplicate alert ids and equal states', () => {
    const run = outcome([['a', '1'], ['a', '1'], ['b', 'changed'], ['d', '4']], [['c-1', 's1'], ['c-2', null]]);
    expect(compare('fault', clean, run)).toEqual({ fault: 'fault', missing: 1, extra: 1, divergent: 1, duplicates: 1, statesEqual: 1, statesTotal: 2, note: '' });
  });

  it('a re-sent alert whose copies differ is divergent even when one copy matches', () => {
    expect(compare('f', clean, outcome([['a', '1'], ['a', 'other'], ['b', '2'], ['c', '3']], [['c-1', 's1'], ['c-2', 's2']])).divergent).toBe(1);
  });

  it('names the faults not yet handled; a refusal to run counts as handled', () => {
    const same = compare('same', clean, clean);
    const lost = compare('lost', clean, outcome([], []));
    expect(verdict([same, lost, { ...lost, fault: 'refused', refused: true }])).toBe('not yet handled: lost');
    expect(formatTable([same]).split('\n')).toHaveLength(3);
  });

  it('damages the same way on every run (seeded)', () => {
    const first = seededRandom(7);
    const second = seededRandom(7);
    expect(Array.from({ length: 5 }, first)).toEqual(Array.from({ length: 5 }, second));
  });
});
