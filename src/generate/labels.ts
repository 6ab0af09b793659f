import { z } from 'zod';

/**
 * The ground truth of a generated bank, one line of `labels.jsonl` per labelled customer: what happened to the
 * customer and when it started. Customers without a line are the negatives of a backtest.
 */
export const churnPatterns = ['gradual_leakage', 'sudden_exit', 'payroll_moved', 'going_dormant'] as const;
export const growPatterns = ['inheritance', 'bonus', 'moved_in'] as const;
export const labelPatterns = [...churnPatterns, ...growPatterns] as const;
export const outcomes = ['churn', 'grow'] as const;

export type ChurnPattern = (typeof churnPatterns)[number];
export type GrowPattern = (typeof growPatterns)[number];
export type LabelPattern = (typeof labelPatterns)[number];
export type Outcome = (typeof outcomes)[number];

export const outcomeOf = (pattern: LabelPattern): Outcome => ((churnPatterns as readonly string[]).includes(pattern) ? 'churn' : 'grow');

export const labelSchema = z
  .strictObject({
    customerId: z.string().min(1),
    outcome: z.enum(outcomes),
    pattern: z.enum(labelPatterns),
    /** Midnight UTC of the day the pattern starts: every posting of the pattern is at or after it, none before. */
    date: z.number().int().nonnegative(),
  })
  .refine((label) => outcomeOf(label.pattern) === label.outcome, { message: 'pattern does not belong to the outcome', path: ['outcome'] });

export type Label = z.infer<typeof labelSchema>;
