import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { RULES_SCHEMA_ID, paths, renderRulesSchema } from '../../scripts/rules-schema.ts';
import { RulesError, parseRules } from '../../src/core/rules.ts';

/**
 * rules/rules.schema.json is what `npm run rules:schema` writes from src/core/rules.ts (a change to the zod schema
 * or its JSDoc without regenerating fails here), every shipped rules file points at it and passes it, and
 * `parseRules` names the bad key of a broken file.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const rulesDir = resolve(repoRoot, 'rules');
const committed = readFileSync(paths.schema, 'utf8');
const schema = JSON.parse(committed) as Schema;

/** Every rules file shipped: rules/*.yaml|json and rules/presets/*.yaml|json. */
const rulesFiles = ['.', 'presets'].flatMap((dir) =>
  readdirSync(resolve(rulesDir, dir))
    .filter((name) => /\.(ya?ml|json)$/.test(name) && name !== 'rules.schema.json')
    .map((name) => resolve(rulesDir, dir, name)),
);
const relative = (file: string) => file.slice(repoRoot.length + 1);

// ---------------------------------------------------------------------------------------------------------------
// A small JSON Schema (draft-07) checker for exactly the keywords zod emits for the rules; a keyword it does not
// know fails the test below, so a zod upgrade that starts emitting one cannot make the check silently weaker.

type Schema = { [keyword: string]: unknown };
const annotations = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default']);
const assertions = new Set([
  'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'additionalItems',
  'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'anyOf',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Problems as `/json/pointer: message`; empty when the value is valid. */
function validate(value: unknown, node: Schema, at = ''): string[] {
  const problems: string[] = [];
  const fail = (message: string) => problems.push(`${at || '/'}: ${message}`);
  for (const keyword of Object.keys(node)) {
    if (!annotations.has(keyword) && !assertions.has(keyword)) throw new Error(`${at}: the checker does not know the keyword "${keyword}"`);
  }
  if (node.type !== undefined) {
    const allowed = ([] as string[]).concat(node.type as string | string[]);
    const actual = typeOf(value);
    if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) fail(`expected ${allowed.join(' or ')}, got ${actual}`);
  }
  if (Array.isArray(node.enum) && !node.enum.some((option) => option === value)) fail(`expected one of ${node.enum.join(', ')}`);
  if ('const' in node && node.const !== value) fail(`expected ${JSON.stringify(node.const)}`);
  if (typeof value === 'number') {
    if (typeof node.minimum === 'number' && value < node.minimum) fail(`below the minimum ${node.minimum}`);
    if (typeof node.maximum === 'number' && value > node.maximum) fail(`above the maximum ${node.maximum}`);
    if (typeof node.exclusiveMinimum === 'number' && value <= node.exclusiveMinimum) fail(`not above ${node.exclusiveMinimum}`);
    if (typeof node.exclusiveMaximum === 'number' && value >= node.exclusiveMaximum) fail(`not below ${node.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    if (typeof node.minLength === 'number' && value.length < node.minLength) fail(`shorter than ${node.minLength}`);
    if (typeof node.maxLength === 'number' && value.length > node.maxLength) fail(`longer than ${node.maxLength}`);
    if (typeof node.pattern === 'string' && !new RegExp(node.pattern, 'u').test(value)) fail(`does not match ${node.pattern}`);
  }
  if (Array.isArray(value)) {
    if (typeof node.minItems === 'number' && value.length < node.minItems) fail(`fewer than ${node.minItems} items`);
    if (typeof node.maxItems === 'number' && value.length > node.maxItems) fail(`more than ${node.maxItems} items`);
    const tuple = Array.isArray(node.items) ? (node.items as Schema[]) : undefined;
    value.forEach((item, index) => {
      const itemSchema = tuple === undefined ? node.items : (tuple[index] ?? node.additionalItems);
      if (itemSchema === false) fail(`no item allowed at ${index}`);
      else if (isSchema(itemSchema)) problems.push(...validate(item, itemSchema, `${at}/${index}`));
    });
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (node.properties ?? {}) as Record<string, Schema>;
    for (const name of (node.required ?? []) as string[]) if (!(name in object)) fail(`missing required key "${name}"`);
    for (const [name, item] of Object.entries(object)) {
      if (isSchema(node.propertyNames)) problems.push(...validate(name, node.propertyNames, `${at}/${name} (name)`));
      if (properties[name] !== undefined) problems.push(...validate(item, properties[name], `${at}/${name}`));
      else if (node.additionalProperties === false) fail(`unknown key "${name}"`);
      else if (isSchema(node.additionalProperties)) problems.push(...validate(item, node.additionalProperties, `${at}/${name}`));
    }
  }
  if (Array.isArray(node.anyOf) && !(node.anyOf as Schema[]).some((option) => validate(value, option, at).length === 0)) {
    fail('matches none of the alternatives');
  }
  return problems;
}

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every keyword used anywhere in the schema (keys of `properties` are names, not keywords). */
function keywordsOf(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => keywordsOf(item, into));
  if (!isSchema(node)) return into;
  for (const [keyword, child] of Object.entries(node)) {
    into.add(keyword);
    if (keyword === 'properties' && isSchema(child)) Object.values(child).forEach((item) => keywordsOf(item, into));
    else if (keyword !== 'default' && keyword !== 'enum' && keyword !== 'const' && keyword !== 'required') keywordsOf(child, into);
  }
  return into;
}

// ---------------------------------------------------------------------------------------------------------------

describe('rules/rules.schema.json', () => {
  it('is what `npm run rules:schema` generates from src/core/rules.ts now (regenerate after changing it)', () => {
    expect(committed).toBe(renderRulesSchema());
  });

  it('follows the JSDoc: editing a comment in rules.ts changes the output (so the freshness check above sees it)', () => {
    const source = readFileSync(paths.rulesSource, 'utf8');
    const marker = 'Stamped on every alert';
    expect(source).toContain(marker);
    expect(renderRulesSchema(source.replace(marker, 'Printed on every alert'))).not.toBe(committed);
  });

  it('identifies itself as draft-07, with $id, title and description', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe(RULES_SCHEMA_ID);
    expect(schema.title).toEqual(expect.any(String));
    expect(schema.description).toEqual(expect.any(String));
  });

  it('describes the input side: keys with a default may be left out', () => {
    const level = ((schema.properties as any).tiers.properties.levels.items ?? {}) as Schema;
    expect(level.required).toEqual(['name', 'minAverageMinor']);
    expect(Object.keys(level.properties as object)).toEqual(expect.arrayContaining(['householdMinAverageMinor', 'gated']));
  });

  it('carries the JSDoc of src/core/rules.ts as descriptions, and the unit of money and shares', () => {
    const top = schema.properties as Record<string, Schema>;
    expect(top.version?.description).toMatch(/Stamped on every alert/);
    expect(top.timeZone?.description).toMatch(/IANA time zone/);
    const levelProps = (top.tiers as any).properties.levels.items.properties as Record<string, Schema>;
    expect(levelProps.gated?.description).toMatch(/needs approval/);
    expect(levelProps.minAverageMinor?.description).toMatch(/minor units of `currency`/);
    expect((top.largeOutflow as any).properties.single.properties.shareOfBalanceBp.description).toMatch(/basis points/);
  });

  it('uses only keywords the checker below knows', () => {
    const unknown = [...keywordsOf(schema)].filter((keyword) => !annotations.has(keyword) && !assertions.has(keyword));
    expect(unknown).toEqual([]);
  });

  it.each(rulesFiles.map((file) => [relative(file), file]))('%s passes the JSON Schema', (_, file) => {
    expect(validate(parseYaml(readFileSync(file, 'utf8')), schema)).toEqual([]);
  });

  it.each(rulesFiles.filter((file) => /\.ya?ml$/.test(file)).map((file) => [relative(file), file]))(
    '%s names the schema on its first line, for the YAML language server',
    (_, file) => {
      const first = readFileSync(file, 'utf8').split('\n', 1)[0] ?? '';
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(match, first).not.toBeNull();
      expect(resolve(dirname(file), match![1]!)).toBe(paths.schema);
    },
  );

  describe('flags what an editor should flag', () => {
    const base = parseYaml(readFileSync(resolve(rulesDir, 'default.yaml'), 'utf8')) as Record<string, any>;
    const edited = (change: (raw: Record<string, any>) => void) => {
      const raw = structuredClone(base);
      change(raw);
      return raw;
    };
    it.each([
      ['an unknown top-level key', (raw: any) => (raw.tier = 'GOLD'), '/: unknown key "tier"'],
      ['an unknown key in a tier', (raw: any) => (raw.tiers.levels[1].colour = 'gold'), '/tiers/levels/1: unknown key "colour"'],
      ['an amount as text', (raw: any) => (raw.leakage.minAmountMinor = '5000'), '/leakage/minAmountMinor: expected integer, got string'],
      ['a fractional amount', (raw: any) => (raw.leakage.minAmountMinor = 50.5), '/leakage/minAmountMinor: expected integer, got number'],
      ['a negative floor', (raw: any) => (raw.tiers.levels[1].minAverageMinor = -1), '/tiers/levels/1/minAverageMinor: below the minimum 0'],
      ['an unknown period', (raw: any) => (raw.tiers.period = 'quarter'), '/tiers/period: expected one of rolling30, monthToDate'],
      ['a missing alert kind in cooldownDays', (raw: any) => delete raw.cooldownDays.MATURITY, '/cooldownDays: missing required key "MATURITY"'],
      ['an unknown alert kind in cooldownDays', (raw: any) => (raw.cooldownDays.SPAM = 1), '/cooldownDays/SPAM (name): expected one of'],
      ['a window of 14 days', (raw: any) => (raw.largeOutflow.cumulative.windowDays = 14), '/largeOutflow/cumulative/windowDays: matches none of the alternatives'],
      ['three RFM cut points', (raw: any) => raw.rfm.recencyDays.pop(), '/rfm/recencyDays: fewer than 4 items'],
      ['a lowercase currency', (raw: any) => (raw.currency = 'czk'), '/currency: does not match'],
    ])('%s', (_, change, problem) => {
      const problems = validate(edited(change), schema);
      expect(problems.some((line) => line.startsWith(problem)), problems.join('\n')).toBe(true);
    });
  });
});

describe('parseRules names the bad key of a broken file', () => {
  const presetText = readFileSync(resolve(rulesDir, 'presets/hk-trb.yaml'), 'utf8');
  const edited = (change: (raw: Record<string, any>) => void) => {
    const raw = parseYaml(presetText) as Record<string, any>;
    change(raw);
    return stringify(raw);
  };
  function problemsOf(text: string): string {
    try {
      parseRules(text, 'broken.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(RulesError);
      return (error as Error).message;
    }
    throw new Error('expected the rules to be refused');
  }

  it.each([
    ['an unknown key in a tier', (raw: any) => (raw.tiers.levels[1].colour = 'gold'), 'tiers.levels.1', /Unrecognized key/],
    ['a tier floor given as text', (raw: any) => (raw.tiers.levels[2].minAverageMinor = '1,000,000'), 'tiers.levels.2.minAverageMinor', /number/],
    ['tiers out of order', (raw: any) => (raw.tiers.levels[2].minAverageMinor = 1_000_000), 'tiers.levels.2.minAverageMinor', /ascending/],
    ['a lowest tier above 0', (raw: any) => (raw.tiers.levels[0].minAverageMinor = 1), 'tiers.levels.0.minAverageMinor', /starts at 0/],
    ['a byTier naming a tier of another preset', (raw: any) => (raw.largeOutflow.single.minAmountMinor.byTier.GOLD = 1), 'largeOutflow.single.minAmountMinor.byTier.GOLD', /unknown tier/],
    ['a top tier that does not exist', (raw: any) => (raw.priority.topTiers = ['PREMIER', 'PLATINUM']), 'priority.topTiers.PLATINUM', /unknown tier/],
    ['a missing cooldown', (raw: any) => delete raw.cooldownDays.RM_HANDOVER, 'cooldownDays.RM_HANDOVER', /./],
    ['dormancy stages not ascending', (raw: any) => (raw.dormancy.stagesDays = [90, 730, 365]), 'dormancy.stagesDays', /ascending/],
    ['clear above alert score', (raw: any) => (raw.churn.clearBelowScore = 70), 'churn.clearBelowScore', /hysteresis/],
  ])('%s', (_, change, path, message) => {
    const problems = problemsOf(edited(change));
    expect(problems).toContain('broken.yaml');
    const line = problems.split('\n').find((candidate) => candidate.trim().startsWith(`${path}: `));
    expect(line, problems).toBeDefined();
    expect(line).toMatch(message);
  });

  it('a file that is not YAML says so', () => {
    expect(problemsOf('version: "1\ncurrency: [HKD')).toMatch(/^broken\.yaml: not YAML or JSON/);
  });
});
