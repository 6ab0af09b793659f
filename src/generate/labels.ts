import { z } from 'zod';

/**
 * The ground truth of a generated bank, one line of `labels.jsonl` per labelled customer: what happened to the
 * customer, when it started and, for a churner, when the relationship ended. Customers without a line are the
 * negatives of a backtest. Traps look like leaving for a moment (a house down payment, a tax bill) but are not: an
 * RM must not be told churn about them.
 */
export const churnPatterns = ['gradual_leakage', 'leak_refilled', 'sudden_exit', 'small_balance_exit', 'payroll_moved', 'slow_fade', 'going_dormant'] as const;
export const growPatterns = ['inheritance', 'bonus', 'moved_in'] as const;
export const trapPatterns = ['house_down_payment', 'one_day_spike', 'annual_tax', 'holiday_spending'] as const;
export const labelPatterns = [...churnPatterns, ...growPatterns, ...trapPatterns] as const;
export const outcomes = ['churn', 'grow', 'trap'] as const;

export type ChurnPattern = (typeof churnPatterns)[number];
export type GrowPattern = (typeof growPatterns)[number];
export type TrapPattern = (typeof trapPatterns)[number];
export type LabelPattern = (typeof labelPatterns)[number];
export type Outcome = (typeof outcomes)[number];

const includes = (list: readonly string[], pattern: string) => list.includes(pattern);

export const outcomeOf = (pattern: LabelPattern): Outcome =>
  includes(churnPatterns, pattern) ? 'churn' : includes(trapPatterns, pattern) ? 'trap' : 'grow';

const midnightUtc = z
  .number()
  .int()
  .nonnegative()
  .refine((millis) => millis % 86_400_000 === 0, 'expected midnight UTC');

export const labelSchema = z
  .strictObject({
    customerId: z.string().min(1),
    outcome: z.enum(outcomes),
    pattern: z.enum(labelPatterns),
    /** Midnight UTC of the day the pattern starts: every posting of the pattern is at or after it, none before. */
    date: midnightUtc,
    /**
     * Churn only (null otherwise): midnight UTC of the day the relationship ended. The day the money was gone
     * relative to the customer's own level (the final emptying transfer; of a two-step exit, the second), or, where
     * activity stops, the day of the customer's last own posting. Lead time is counted back from it.
     */
    endDate: midnightUtc.nullable(),
  })
  .refine((label) => outcomeOf(label.pattern) === label.outcome, { message: 'pattern does not belong to the outcome', path: ['outcome'] })
  .refine((label) => (label.outcome === 'churn') === (label.endDate !== null), { message: 'churn labels have an endDate, others none', path: ['endDate'] })
  .refine((label) => label.endDate === null || label.endDate >= label.date, { message: 'endDate before date', path: ['endDate'] });

export type Label = z.infer<typeof labelSchema>;
