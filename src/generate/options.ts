import { z } from 'zod';
import { addMonths, dayOfIsoDate, monthStartOf } from './calendar.ts';
import { isoDateOf } from '../core/calendar.ts';

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

const isoDate = z.string().refine((value) => dayOfIsoDate(value) !== undefined, 'expected a real date as YYYY-MM-DD');
const share = z.number().min(0).max(1);

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
    rms: z.number().int().min(1),
    tierFloorsMinor: tierFloorsSchema,
  })
  .refine((options) => options.churnShare + options.growShare <= 1, { message: 'churn and grow shares add up to more than 1', path: ['growShare'] });

export type BankOptions = z.infer<typeof bankOptionsSchema>;

export const bankDefaults = {
  customers: 1000,
  months: 18,
  seed: 42,
  currency: 'CZK',
  churnShare: 0.08,
  growShare: 0.05,
  tierFloorsMinor: defaultTierFloorsMinor,
} as const;

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
