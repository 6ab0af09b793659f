import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { alertKinds } from '../domain/alert.ts';
import { categories, counterpartyKinds } from '../domain/transaction.ts';

/**
 * The rules file: every threshold a bank tunes, per tier where it matters. Money is in minor units of `currency`,
 * shares in basis points (10000 = 100%), so every number is an exact integer.
 */
const minorUnits = z.number().int().nonnegative();
const basisPoints = z.number().int().min(0).max(1_000_000);
const windowDays = z.union([z.literal(1), z.literal(7), z.literal(30), z.literal(90)]);

/** A threshold with a default and optional per-tier overrides (tier names as in `tiers`). */
const tiered = z.object({ default: minorUnits, byTier: z.record(z.string(), minorUnits).default({}) }).strict();

const kinds = z.array(z.enum(counterpartyKinds)).min(1);

export const rulesSchema = z
  .object({
    /** Stamped on every alert, so an alert can be traced to the rules that raised it. */
    version: z.string().min(1),
    /** Features add up amounts of this currency only; a transaction in another one is dead-lettered. */
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
    /** IANA time zone where the bank's business days begin and end. */
    timeZone: z.string().refine(isTimeZone, 'not an IANA time zone the runtime knows'),
    /** How far (in days) behind a customer's latest event a transaction may arrive and still be counted. */
    allowedLatenessDays: z.number().int().min(0).max(60),
    /** Tier names, lowest first, as the profile's servedTier carries them. */
    tiers: z.array(z.string().min(1)).min(1),
    /** Counterparty kinds that mean the money went to a competitor. */
    competitorKinds: kinds,
    priority: z
      .object({
        /** Customers in these tiers get the highest priority for churn alerts. */
        topTiers: z.array(z.string().min(1)),
        /** An amount at stake from which any alert is urgent. */
        urgentAmountMinor: minorUnits,
      })
      .strict(),
    /** Per alert kind: how long (days) the same kind is not told again for the same customer, unless it worsens. */
    cooldownDays: z.record(z.enum(alertKinds), z.number().int().min(0)),
    largeOutflow: z
      .object({
        countedKinds: kinds,
        single: z
          .object({
            minAmountMinor: tiered,
            /** ...or this share of the relationship balance before the debit, if at least shareFloorMinor. */
            shareOfBalanceBp: basisPoints,
            shareFloorMinor: minorUnits,
            /** From this share of the balance, a withdrawal to a competitor is a (near-)total exit: urgent. */
            nearTotalShareBp: basisPoints,
          })
          .strict(),
        cumulative: z
          .object({
            windowDays,
            kinds,
            minAmountMinor: tiered,
            /** ...or this share of the 30-day average daily balance, if at least shareFloorMinor. */
            shareOfAverageBalanceBp: basisPoints,
            shareFloorMinor: minorUnits,
          })
          .strict(),
      })
      .strict(),
    /** Every outflow to a competitor from this amount goes to the risk feed, alert or not. */
    leakage: z.object({ minAmountMinor: minorUnits }).strict(),
    largeInflow: z
      .object({
        countedKinds: kinds,
        /** Regular credits (salary, pension, interest) are not a balance jump. */
        excludedCategories: z.array(z.enum(categories)),
        single: z
          .object({
            minAmountMinor: tiered,
            /** ...or this share of the 30-day average daily balance, if at least shareFloorMinor. */
            shareOfAverageBalanceBp: basisPoints,
            shareFloorMinor: minorUnits,
          })
          .strict(),
        cumulative: z.object({ windowDays, kinds, minAmountMinor: tiered }).strict(),
      })
      .strict(),
    dormancy: z
      .object({
        /** Days without customer-initiated activity at which the RM is told, ascending; the last means dormant. */
        stagesDays: z.array(z.number().int().positive()).min(1),
      })
      .strict(),
  })
  .strict()
  .superRefine((rules, context) => {
    const known = new Set(rules.tiers);
    const checkTiers = (names: Iterable<string>, path: (string | number)[]) => {
      for (const name of names) {
        if (!known.has(name)) context.addIssue({ code: 'custom', path: [...path, name], message: `unknown tier (tiers: ${rules.tiers.join(', ')})` });
      }
    };
    checkTiers(rules.priority.topTiers, ['priority', 'topTiers']);
    checkTiers(Object.keys(rules.largeOutflow.single.minAmountMinor.byTier), ['largeOutflow', 'single', 'minAmountMinor', 'byTier']);
    checkTiers(Object.keys(rules.largeOutflow.cumulative.minAmountMinor.byTier), ['largeOutflow', 'cumulative', 'minAmountMinor', 'byTier']);
    checkTiers(Object.keys(rules.largeInflow.single.minAmountMinor.byTier), ['largeInflow', 'single', 'minAmountMinor', 'byTier']);
    checkTiers(Object.keys(rules.largeInflow.cumulative.minAmountMinor.byTier), ['largeInflow', 'cumulative', 'minAmountMinor', 'byTier']);
    const stages = rules.dormancy.stagesDays;
    if (stages.some((days, index) => index > 0 && days <= stages[index - 1]!)) {
      context.addIssue({ code: 'custom', path: ['dormancy', 'stagesDays'], message: 'must be strictly ascending' });
    }
  });

export type Rules = z.infer<typeof rulesSchema>;
export type Tiered = z.infer<typeof tiered>;

export function thresholdFor(threshold: Tiered, tier: string | null): number {
  return (tier === null ? undefined : threshold.byTier[tier]) ?? threshold.default;
}

export function cooldownMs(rules: Rules, kind: (typeof alertKinds)[number]): number {
  return (rules.cooldownDays[kind] ?? 0) * 86_400_000;
}

export class RulesError extends Error {
  override readonly name = 'RulesError';
}

/** Parses rules from text (YAML, of which JSON is a subset); errors name the bad key, e.g. `largeOutflow.single.shareOfBalanceBp`. */
export function parseRules(text: string, source = 'rules'): Rules {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new RulesError(`${source}: not YAML or JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = rulesSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new RulesError(`${source}: invalid rules:\n  ${problems.join('\n  ')}`);
}

export function loadRules(file: string): Rules {
  return parseRules(readFileSync(file, 'utf8'), file);
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
