import { fileURLToPath } from 'node:url';
import { loadRules } from '../core/rules.ts';
import type { ChurnPattern, GrowPattern, TrapPattern } from './labels.ts';
import type { Persona } from './model.ts';
import type { BankOptions, PersonaMix, ServedTiers } from './options.ts';
import { bankDefaults, bankOptionsSchema, defaultRmCount } from './options.ts';
import { defaultPatternWeights } from './patterns.ts';
import { defaultPersonaMix } from './personas.ts';
import { Random, hashUnit } from './random.ts';

/**
 * A family of generated banks: each bank of a family seed differs from the others in what a detector must not be
 * tuned to (currency and rules preset, balance scale, persona and pattern mix, shares of churners, traps and
 * growers, multi-banking, salary cycles, the way the core system stamps balances), each drawn from a wide range.
 * Banks of one family are a pure function of (familySeed, index).
 */

/** A rules preset and the currency of its bank; `rules` is repository-relative (the manifest records it that way). */
export const familyPresets = [
  { currency: 'CZK', rules: 'rules/default.yaml' },
  { currency: 'CNY', rules: 'rules/presets/cn-card-daily-average.yaml' },
  { currency: 'HKD', rules: 'rules/presets/hk-trb.yaml' },
] as const;

const projectRoot = new URL('../../', import.meta.url);

/** A repository-relative rules path as a file path that loads from any working directory. */
export const rulesPathOf = (relative: string): string => fileURLToPath(new URL(relative, projectRoot));

export interface FamilySize {
  customers: number;
  months: number;
  start: string;
}

/** A family bank's size unless the caller asks for another: what a backtest over several banks can afford. */
export const familyDefaults: FamilySize = { customers: 1000, months: 18, start: '2025-01-01' };

export interface BankProfile {
  options: BankOptions;
  /** The bank's rules file (its preset), as a path that loads from any working directory. */
  rulesFile: string;
  /** The same, repository-relative, as the manifest records it. */
  rulesPreset: string;
  /** One line: what makes this bank what it is. */
  description: string;
}

/** Keeps the family's streams apart from a bank's own (seeded) streams. */
const FAMILY_STREAM = 0xfa_0000;

/** log-uniform between min and max: scales and factors spread evenly over orders of magnitude. */
const logUniform = (random: Random, min: number, max: number) => Math.exp(random.between(Math.log(min), Math.log(max)));
const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Every default weight times a factor from ×1/3 to ×3: each bank has every persona and pattern, in its own mix. */
function varied<K extends string>(weights: Partial<Record<K, number>>, names: readonly K[], random: Random): Partial<Record<K, number>> {
  return Object.fromEntries(names.map((name) => [name, round((weights[name] ?? 0) * logUniform(random, 1 / 3, 3), 4)])) as Partial<Record<K, number>>;
}

function personaMixFor(random: Random): PersonaMix {
  const names = defaultPersonaMix.map(([persona]) => persona);
  const mix = varied<Persona>(Object.fromEntries(defaultPersonaMix) as Record<Persona, number>, names, random);
  // multi-banking prevalence: from a bank whose customers rarely bank elsewhere to one where a third do
  return { ...mix, multi_banker: round(random.between(0.02, 0.35), 4) };
}

const servedTiersFrom = (rulesFile: string): ServedTiers =>
  loadRules(rulesFile).tiers.levels.map((level, index) => ({ name: level.name, floorMinor: index === 0 ? 0 : level.minAverageMinor }));

const percent = (share: number) => `${Math.round(share * 100)}%`;

function describe(familySeed: number, index: number, options: BankOptions, preset: string): string {
  const stamps = options.balanceStamps ?? bankDefaults.balanceStamps;
  const salary = options.salaryCycle ?? bankDefaults.salaryCycle;
  const mix = options.personaMix ?? {};
  const mixTotal = Object.values<number | undefined>(mix).reduce<number>((sum, value) => sum + (value ?? 0), 0);
  return (
    `family ${familySeed} bank ${index}: ${options.currency} (${preset}), balances ×${options.balanceScale}, ` +
    `${options.customers} customers over ${options.months} months, churn ${percent(options.churnShare)} / trap ${percent(options.trapShare ?? 0)} / grow ${percent(options.growShare)}, ` +
    `multi-bankers ${percent((mix.multi_banker ?? 0) / (mixTotal || 1))}, salaries ${salary.semiMonthlyShare > 0 ? `${percent(salary.semiMonthlyShare)} semi-monthly` : 'monthly'} ±${salary.driftDays} days, ` +
    `balances stamped in ${stamps.order === 'event_time' ? 'event-time' : 'processing'} order${stamps.staleShare > 0 ? `, ${(stamps.staleShare * 100).toFixed(1)}% stale` : ''}`
  );
}

/**
 * Bank `index` of the family `familySeed`. Currencies take turns (in a family-specific order), so any three
 * neighbouring banks cover all three presets; everything else is drawn. `size` overrides customers, months, start.
 */
export function drawBankProfile(familySeed: number, index: number, size: Partial<FamilySize> = {}): BankProfile {
  const random = Random.stream(familySeed, FAMILY_STREAM + index);
  const preset = familyPresets[(index + Math.floor(hashUnit(familySeed, FAMILY_STREAM) * familyPresets.length)) % familyPresets.length]!;
  const rulesFile = rulesPathOf(preset.rules);
  const { customers, months, start } = { ...familyDefaults, ...size };
  const options = bankOptionsSchema.parse({
    customers,
    months,
    start,
    seed: Math.floor(hashUnit(familySeed, FAMILY_STREAM, index) * 0xffff_ffff),
    currency: preset.currency,
    churnShare: round(random.between(0.04, 0.15), 3),
    growShare: round(random.between(0.02, 0.08), 3),
    trapShare: round(random.between(0.02, 0.08), 3),
    rms: defaultRmCount(customers),
    tierFloorsMinor: bankDefaults.tierFloorsMinor,
    servedTiers: servedTiersFrom(rulesFile),
    balanceScale: round(logUniform(random, 0.1, 10), 3),
    personaMix: personaMixFor(random),
    patternWeights: {
      churn: varied<ChurnPattern>(defaultPatternWeights.churn, Object.keys(defaultPatternWeights.churn) as ChurnPattern[], random),
      grow: varied<GrowPattern>(defaultPatternWeights.grow, Object.keys(defaultPatternWeights.grow) as GrowPattern[], random),
      trap: varied<TrapPattern>(defaultPatternWeights.trap, Object.keys(defaultPatternWeights.trap) as TrapPattern[], random),
    },
    salaryCycle: { semiMonthlyShare: random.chance(0.35) ? round(random.between(0.2, 1), 3) : 0, driftDays: random.int(0, 4) },
    balanceStamps: { order: random.chance(0.4) ? 'processing_order' : 'event_time', staleShare: random.chance(0.4) ? round(random.between(0.01, 0.1), 3) : 0 },
  });
  return { options, rulesFile, rulesPreset: preset.rules, description: describe(familySeed, index, options, preset.rules) };
}
