import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRules, thresholdFor } from '../../src/core/rules.ts';
import type { Rules } from '../../src/core/rules.ts';

/**
 * The shipped rules files: each is complete (parseRules accepts it), and the presets carry the tier schemes of
 * /work/shared/DOMAIN.md ("Tiers") with its numbers, in integer minor units (×100).
 */

const rulesDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../rules');
const filesIn = (dir: string) =>
  readdirSync(resolve(rulesDir, dir))
    .filter((name) => /\.(ya?ml|json)$/.test(name) && name !== 'rules.schema.json')
    .map((name) => (dir === '.' ? name : `${dir}/${name}`));
const allFiles = [...filesIn('.'), ...filesIn('presets')];
const load = (name: string): Rules => parseRules(readFileSync(resolve(rulesDir, name), 'utf8'), name);

/** Whole units of the currency → minor units (fen, cents). */
const units = (amount: number) => amount * 100;

describe('every rules file', () => {
  it('there are the default and the three presets at least', () => {
    expect(allFiles).toEqual(
      expect.arrayContaining(['default.yaml', 'presets/cn-card-daily-average.yaml', 'presets/hk-trb.yaml', 'presets/cn-branch-deposit.yaml']),
    );
  });

  it.each(allFiles)('%s parses', (name) => {
    expect(() => load(name)).not.toThrow();
  });

  it('versions are distinct, so an alert names the file that raised it', () => {
    const versions = allFiles.map((name) => load(name).version);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it.each(filesIn('presets'))('%s: the version names the preset', (name) => {
    expect(load(name).version).toContain(name.replace(/^presets\//, '').replace(/\.(ya?ml|json)$/, ''));
  });
});

/** A level as the tests compare it: floors in whole units. */
const levelsOf = (rules: Rules) =>
  rules.tiers.levels.map((level) => ({
    name: level.name,
    min: level.minAverageMinor / 100,
    household: level.householdMinAverageMinor === null ? null : level.householdMinAverageMinor / 100,
    gated: level.gated,
  }));

describe('presets/cn-card-daily-average.yaml (日均综合金融资产 card tiers)', () => {
  const rules = load('presets/cn-card-daily-average.yaml');

  it('is in CNY, on Shanghai business days', () => {
    expect(rules.currency).toBe('CNY');
    expect(rules.timeZone).toBe('Asia/Shanghai');
  });

  it('silver by default, gold 100,000 (household 80,000), platinum 300,000 (household 250,000), black-gold ours; platinum and above gated', () => {
    expect(levelsOf(rules)).toEqual([
      { name: 'SILVER', min: 0, household: null, gated: false },
      { name: 'GOLD', min: 100_000, household: 80_000, gated: false },
      { name: 'PLATINUM', min: 300_000, household: 250_000, gated: true },
      { name: 'BLACK_GOLD', min: 1_000_000, household: null, gated: true }, // our figure: DOMAIN.md gives none
    ]);
    expect(rules.tiers.levels[1]!.minAverageMinor).toBe(units(100_000));
  });

  it('black-gold and platinum (~80% of the value) come first', () => {
    expect(rules.priority.topTiers).toEqual(['PLATINUM', 'BLACK_GOLD']);
  });
});

describe('presets/hk-trb.yaml (Total Relationship Balance)', () => {
  const rules = load('presets/hk-trb.yaml');

  it('is in HKD, on Hong Kong business days', () => {
    expect(rules.currency).toBe('HKD');
    expect(rules.timeZone).toBe('Asia/Hong_Kong');
  });

  it('regular below 20,000, mid from 20,000, premier from 1,000,000', () => {
    expect(levelsOf(rules).map(({ name, min, household }) => ({ name, min, household }))).toEqual([
      { name: 'REGULAR', min: 0, household: null },
      { name: 'MID', min: 20_000, household: null },
      { name: 'PREMIER', min: 1_000_000, household: null },
    ]);
    expect(rules.tiers.levels[2]!.minAverageMinor).toBe(units(1_000_000));
  });

  it('"inactive" is dormant for 2 years: the last dormancy stage is 730 days', () => {
    expect(rules.dormancy.stagesDays.at(-1)).toBe(730);
  });

  it('premier comes first', () => {
    expect(rules.priority.topTiers).toEqual(['PREMIER']);
  });
});

describe('presets/cn-branch-deposit.yaml (branch deposit bands)', () => {
  const rules = load('presets/cn-branch-deposit.yaml');

  it('is in CNY, on Shanghai business days', () => {
    expect(rules.currency).toBe('CNY');
    expect(rules.timeZone).toBe('Asia/Shanghai');
  });

  it('bands from 20,000, 50,000 and 100,000 (VIP), over a base band of ours from 0', () => {
    expect(levelsOf(rules).map(({ name, min }) => ({ name, min }))).toEqual([
      { name: 'BASE', min: 0 },
      { name: 'BAND_20K', min: 20_000 },
      { name: 'BAND_50K', min: 50_000 },
      { name: 'VIP', min: 100_000 },
    ]);
  });

  it('VIP customers are routed to priority service', () => {
    expect(rules.priority.topTiers).toEqual(['VIP']);
  });
});

describe('thresholds follow the tiers', () => {
  it.each(allFiles)('%s: per-tier outflow thresholds do not fall as the tier rises', (name) => {
    const rules = load(name);
    const tiers = rules.tiers.levels.map((level) => level.name);
    for (const threshold of [rules.largeOutflow.single.minAmountMinor, rules.largeOutflow.cumulative.minAmountMinor]) {
      const byTier = tiers.map((tier) => thresholdFor(threshold, tier));
      expect(byTier, name).toEqual([...byTier].sort((a, b) => a - b));
    }
  });

  it.each(allFiles)('%s: churn is alerted on for every tier above the lowest (the floor is at most the second tier\'s)', (name) => {
    const rules = load(name);
    const second = rules.tiers.levels[1];
    if (second === undefined) return;
    // the card scheme alerts from 20,000, below gold; the TRB and branch schemes from their first tier above the lowest
    expect(rules.churn.minAverageBalanceMinor).toBeLessThanOrEqual(second.minAverageMinor);
  });
});
