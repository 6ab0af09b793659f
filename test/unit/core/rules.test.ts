import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { RulesError, cooldownMs, parseRules, thresholdFor } from '../../../src/core/rules.ts';
import { DAY, defaultRulesText } from '../../support/core-fixtures.ts';

/** The default file with one change made to its parsed form, as YAML again. */
function edited(change: (raw: Record<string, any>) => void): string {
  const raw = parseYaml(defaultRulesText) as Record<string, any>;
  change(raw);
  return stringify(raw);
}

function problemsOf(text: string): string {
  try {
    parseRules(text, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(RulesError);
    return (error as Error).message;
  }
  throw new Error('expected the rules to be refused');
}

describe('rules file', () => {
  it('the shipped default parses, with the values the domain brief asks for', () => {
    const rules = parseRules(defaultRulesText);
    expect(rules.currency).toBe('CZK');
    expect(rules.timeZone).toBe('Europe/Prague');
    // tiers are now levels with floors on the period's daily-average balance (DOMAIN.md's card tiers, in CZK):
    // gold ≥ 100,000 (household 80,000), platinum ≥ 300,000 (household 250,000) and gated, black-gold configurable
    expect(rules.tiers.levels.map((level) => level.name)).toEqual(['SILVER', 'GOLD', 'PLATINUM', 'BLACK_GOLD']);
    expect(rules.tiers.levels.map((level) => [level.minAverageMinor, level.householdMinAverageMinor, level.gated])).toEqual([
      [0, null, false],
      [10_000_000, 8_000_000, false],
      [30_000_000, 25_000_000, true],
      [100_000_000, null, true],
    ]);
    expect(rules.tiers.period).toBe('rolling30'); // a period average, never a spot balance
    expect(rules.tiers.upgradeHoldDays).toBe(5);
    expect(rules.priority.topTiers).toEqual(['PLATINUM', 'BLACK_GOLD']); // the 80/20 top of the pyramid
    expect(rules.competitorKinds).toEqual(['OTHER_BANK', 'INVESTMENT_PLATFORM']);
    expect(rules.dormancy.stagesDays).toEqual([60, 90, 180, 730]); // ...730: "unused for 2 years or more"
    expect(rules.largeOutflow.countedKinds).not.toContain('OWN_ACCOUNT');
    expect(rules.largeInflow.excludedCategories).toEqual(expect.arrayContaining(['SALARY', 'PENSION', 'INTEREST']));
  });

  it('a JSON file (YAML’s subset) parses the same', () => {
    expect(parseRules(JSON.stringify(parseYaml(defaultRulesText)))).toEqual(parseRules(defaultRulesText));
  });

  it.each([
    ['a negative share', (raw: any) => (raw.largeOutflow.single.shareOfBalanceBp = -1), 'largeOutflow.single.shareOfBalanceBp'],
    ['a share given as text', (raw: any) => (raw.largeOutflow.single.shareOfBalanceBp = 'half'), 'largeOutflow.single.shareOfBalanceBp'],
    ['a fractional amount', (raw: any) => (raw.leakage.minAmountMinor = 5000.5), 'leakage.minAmountMinor'],
    ['a per-tier amount below zero', (raw: any) => (raw.largeInflow.cumulative.minAmountMinor.byTier.GOLD = -2), 'largeInflow.cumulative.minAmountMinor.byTier.GOLD'],
    ['a window that is not 1/7/30/90', (raw: any) => (raw.largeOutflow.cumulative.windowDays = 14), 'largeOutflow.cumulative.windowDays'],
    ['an unknown counterparty kind', (raw: any) => (raw.competitorKinds = ['OTHER_BANK', 'CRYPTO']), 'competitorKinds.1'],
    ['an unknown time zone', (raw: any) => (raw.timeZone = 'Europe/Atlantis'), 'timeZone'],
    ['a lowercase currency', (raw: any) => (raw.currency = 'czk'), 'currency'],
    ['a missing version', (raw: any) => delete raw.version, 'version'],
    ['lateness beyond 60 days', (raw: any) => (raw.allowedLatenessDays = 61), 'allowedLatenessDays'],
  ])('%s is refused, naming the key path', (_, change, path) => {
    const message = problemsOf(edited(change));
    expect(message).toContain('bad.yaml');
    expect(message).toMatch(new RegExp(`^\\s+${path.replaceAll('.', '\\.')}: `, 'm'));
  });

  it.each([
    ['largeOutflow.single.minAmountMinor.byTier', (raw: any) => (raw.largeOutflow.single.minAmountMinor.byTier.DIAMOND = 1)],
    ['largeOutflow.cumulative.minAmountMinor.byTier', (raw: any) => (raw.largeOutflow.cumulative.minAmountMinor.byTier.DIAMOND = 1)],
    ['largeInflow.single.minAmountMinor.byTier', (raw: any) => (raw.largeInflow.single.minAmountMinor.byTier.DIAMOND = 1)],
    ['largeInflow.cumulative.minAmountMinor.byTier', (raw: any) => (raw.largeInflow.cumulative.minAmountMinor.byTier.DIAMOND = 1)],
    ['priority.topTiers', (raw: any) => raw.priority.topTiers.push('DIAMOND')],
  ])('an unknown tier in %s is refused', (path, change) => {
    const message = problemsOf(edited(change));
    expect(message).toContain(`${path}.DIAMOND: unknown tier`);
  });

  it('a tier name is case-sensitive (Gold is not GOLD)', () => {
    expect(problemsOf(edited((raw) => (raw.largeOutflow.single.minAmountMinor.byTier.Gold = 1)))).toContain('byTier.Gold: unknown tier');
  });

  it.each([
    ['descending', [60, 180, 90]],
    ['repeated', [60, 60, 90]],
  ])('dormancy stages that are %s are refused', (_, stages) => {
    expect(problemsOf(edited((raw) => (raw.dormancy.stagesDays = stages)))).toContain('dormancy.stagesDays: must be strictly ascending');
  });

  it('dormancy stages must be positive and there must be one', () => {
    expect(problemsOf(edited((raw) => (raw.dormancy.stagesDays = [0, 60])))).toContain('dormancy.stagesDays.0');
    expect(problemsOf(edited((raw) => (raw.dormancy.stagesDays = [])))).toContain('dormancy.stagesDays');
  });

  it.each([
    ['at the top', (raw: any) => (raw.colour = 'red'), '(root)', 'colour'],
    ['in a nested object', (raw: any) => (raw.largeOutflow.single.sharOfBalanceBp = 1), 'largeOutflow.single', 'sharOfBalanceBp'],
    ['in a tiered threshold', (raw: any) => (raw.largeInflow.single.minAmountMinor.perTier = {}), 'largeInflow.single.minAmountMinor', 'perTier'],
    ['in priority', (raw: any) => (raw.priority.urgent = 1), 'priority', 'urgent'],
  ])('an unknown key %s is refused (a typo must not silently fall back to a default)', (_, change, path, key) => {
    const message = problemsOf(edited(change));
    expect(message).toContain(`${path}: `);
    expect(message).toContain(`"${key}"`);
  });

  it('text that is not YAML is refused as such', () => {
    expect(problemsOf('version: [unclosed')).toContain('not YAML or JSON');
  });

  it('thresholdFor takes the tier override, else the default (also for an unknown or missing tier)', () => {
    const rules = parseRules(defaultRulesText);
    const single = rules.largeOutflow.single.minAmountMinor;
    expect(thresholdFor(single, 'PLATINUM')).toBe(500_000_00);
    expect(thresholdFor(single, 'SILVER')).toBe(100_000_00); // SILVER has no override
    expect(thresholdFor(single, null)).toBe(100_000_00);
  });

  it('cooldownMs is the kind’s days in milliseconds', () => {
    const rules = parseRules(defaultRulesText);
    expect(cooldownMs(rules, 'LARGE_OUTFLOW')).toBe(7 * DAY);
    expect(cooldownMs(rules, 'CUMULATIVE_OUTFLOW')).toBe(14 * DAY);
    expect(cooldownMs(rules, 'DORMANCY')).toBe(0);
  });
});
