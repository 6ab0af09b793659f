import { z } from 'zod';
import { addMonths, dayOfIsoDate, monthStartOf } from './calendar.ts';
import { isoDateOf } from '../core/calendar.ts';
import { churnPatterns, growPatterns, trapPatterns } from './labels.ts';
import { personas } from './model.ts';

/** Money floors of the served tiers (tier names of rules/default.yaml), in minor units: a customer below GOLD is SILVER. */
export const tierFloorsSchema = z
  .strictObject({
    GOLD: z.number().int().positive(),
    PLATINUM: z.number().int().positive(),
    BLACK_GOLD: z.number().int().positive(),
  })
  .refine((floors) => floors.GOLD < floors.PLATINUM && floors.PLATINUM < floors.BLACK_GOLD, 'tier floors must rise: GOLD < PLATINUM < BLACK_GOLD');

export type TierFloors = z.infer<typeof tierFloorsSchema>;

/** DOMAIN.md's card tiers (gold ≥ 100,000, platinum ≥ 300,000) at the same magnitude in CZK; black-gold is ours. */
export const defaultTierFloorsMinor: TierFloors = { GOLD: 10_000_000, PLATINUM: 30_000_000, BLACK_GOLD: 100_000_000 };

/**
 * The served tiers as a rules file names them, lowest first (its floor 0): a bank family's banks use their rules
 * preset's tiers (REGULAR/MID/PREMIER for hk-trb). Without it the tiers are SILVER and `tierFloorsMinor`'s three.
 */
export const servedTiersSchema = z
  .array(z.strictObject({ name: z.string().min(1), floorMinor: z.number().int().nonnegative() }))
  .min(1)
  .refine((tiers) => tiers[0]?.floorMinor === 0, 'the lowest tier starts at 0')
  .refine((tiers) => tiers.every((tier, index) => index === 0 || tier.floorMinor > (tiers[index - 1]?.floorMinor ?? 0)), 'tier floors must rise')
  .refine((tiers) => new Set(tiers.map((tier) => tier.name)).size === tiers.length, 'tier names must differ');

export type ServedTiers = z.infer<typeof servedTiersSchema>;

export const servedTiersOf = (options: Pick<BankOptions, 'servedTiers' | 'tierFloorsMinor'>): ServedTiers =>
  options.servedTiers ?? [
    { name: 'SILVER', floorMinor: 0 },
    { name: 'GOLD', floorMinor: options.tierFloorsMinor.GOLD },
    { name: 'PLATINUM', floorMinor: options.tierFloorsMinor.PLATINUM },
    { name: 'BLACK_GOLD', floorMinor: options.tierFloorsMinor.BLACK_GOLD },
  ];

const isoDate = z.string().refine((value) => dayOfIsoDate(value) !== undefined, 'expected a real date as YYYY-MM-DD');
const share = z.number().min(0).max(1);
const weight = z.number().min(0);
const weightsOf = <const T extends readonly [string, ...string[]]>(names: T) =>
  z.partialRecord(z.enum(names), weight).refine((weights) => Object.values<number | undefined>(weights).some((value) => (value ?? 0) > 0), 'at least one weight above 0');

/** How common each persona is (relative weights); multi_banker's weight is the bank's multi-banking prevalence. */
export const personaMixSchema = weightsOf(personas);
/** How common each pattern is among the bank's churners, growers and traps (relative weights). */
export const patternWeightsSchema = z.strictObject({ churn: weightsOf(churnPatterns), grow: weightsOf(growPatterns), trap: weightsOf(trapPatterns) });

/** How salaries arrive: monthly on a fixed day ± driftDays (weekends back to Friday), or for some, half twice a month. */
export const salaryCycleSchema = z.strictObject({ semiMonthlyShare: share, driftDays: z.number().int().min(0).max(5) });

/**
 * How the core system stamps `balanceAfterMinor`: after each posting in event-time order, or in its own processing
 * order within a day; and a share of postings stamped with the previous day's closing balance (a stale stamp).
 * Amounts and flows are the same whatever the stamps.
 */
export const balanceStampsSchema = z.strictObject({ order: z.enum(['event_time', 'processing_order']), staleShare: share });

export type PersonaMix = z.infer<typeof personaMixSchema>;
export type PatternWeights = z.infer<typeof patternWeightsSchema>;
export type SalaryCycle = z.infer<typeof salaryCycleSchema>;
export type BalanceStamps = z.infer<typeof balanceStampsSchema>;

/** Everything that shapes the generated bank; with the seed, the same options give the same bytes. */
export const bankOptionsSchema = z
  .strictObject({
    customers: z.number().int().min(1).max(10_000_000),
    months: z.number().int().min(1).max(120),
    /** First generated day (UTC date). */
    start: isoDate,
    seed: z.number().int().min(0).max(0xffff_ffff),
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
    churnShare: share,
    growShare: share,
    /** Customers with a trap pattern: what looks like leaving and is not (optional: older callers know no traps). */
    trapShare: share.optional(),
    rms: z.number().int().min(1),
    tierFloorsMinor: tierFloorsSchema,
    servedTiers: servedTiersSchema.optional(),
    /** Every amount and balance is the modelled one (CZK magnitudes) times this: ×0.1 a small-ticket bank, ×10 a private bank. */
    balanceScale: z.number().min(0.001).max(1000).optional(),
    personaMix: personaMixSchema.optional(),
    patternWeights: patternWeightsSchema.optional(),
    salaryCycle: salaryCycleSchema.optional(),
    balanceStamps: balanceStampsSchema.optional(),
  })
  .refine((options) => options.churnShare + options.growShare + (options.trapShare ?? 0) <= 1, { message: 'churn, grow and trap shares add up to more than 1', path: ['growShare'] });

export type BankOptions = z.infer<typeof bankOptionsSchema>;

export const bankDefaults = {
  customers: 1000,
  months: 18,
  seed: 42,
  currency: 'CZK',
  churnShare: 0.08,
  growShare: 0.05,
  trapShare: 0.04,
  tierFloorsMinor: defaultTierFloorsMinor,
  balanceScale: 1,
  salaryCycle: { semiMonthlyShare: 0, driftDays: 1 },
  balanceStamps: { order: 'event_time', staleShare: 0 },
} as const satisfies Partial<BankOptions>;

/** One RM per 250 customers, at least one. */
export const defaultRmCount = (customers: number): number => Math.max(1, Math.floor(customers / 250));

/** Whole months that end before today: the first of the month, `months` before the current month. */
export function defaultStart(months: number, today: number): string {
  return isoDateOf(addMonths(monthStartOf(today), -months));
}

export interface Period {
  /** First generated day. */
  startDay: number;
  /** The day after the last generated day. */
  endDay: number;
}

export function periodOf(options: Pick<BankOptions, 'start' | 'months'>): Period {
  const startDay = dayOfIsoDate(options.start);
  if (startDay === undefined) throw new Error(`not a date: ${options.start}`);
  return { startDay, endDay: addMonths(startDay, options.months) };
}

/** The replay refuses events from the future: the whole period must be over before today starts. */
export function assertPeriodEndsBefore(period: Period, today: number): void {
  if (period.endDay > today) {
    throw new Error(
      `the period ${isoDateOf(period.startDay)} .. ${isoDateOf(period.endDay - 1)} does not end before today (${isoDateOf(today)}): choose an earlier --start or fewer --months`,
    );
  }
}
