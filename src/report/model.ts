import { z } from 'zod';
import type { BacktestResult } from '../backtest/result.ts';
import type { AlertLog } from './alerts.ts';

/**
 * The part of a replay's summary (`replay --summary-json`, or the engine's ReplaySummary) the report shows.
 * Other keys are dropped (not refused), so the report keeps reading summaries as the replay adds to them.
 */
export const reportSummarySchema = z.object({
  events: z.number().int().nonnegative(),
  customers: z.number().int().nonnegative(),
  profiles: z.number().int().nonnegative(),
  publishedRecords: z.number().int().nonnegative(),
  firstEventTime: z.string().nullable(),
  lastEventTime: z.string().nullable(),
  endedAt: z.string().nullable(),
  rmLoad: z.object({
    rms: z.number().int().nonnegative(),
    weeks: z.number().int().nonnegative(),
    median: z.number().nonnegative(),
    max: z.number().nonnegative(),
    unassigned: z.number().int().nonnegative(),
  }),
});

export type ReportSummary = z.infer<typeof reportSummarySchema>;

/** A customer's churn score at the end of a replay, with the reasons behind it (assessmentView of the state). */
export interface CustomerScore {
  customerId: string;
  rmId: string | null;
  tier: string | null;
  score: number;
  /** Strongest contribution first. */
  reasons: string[];
}

export interface ReportData {
  title: string;
  /** One line on where the data came from (a file, or the generated bank's parameters). */
  source: string;
  /** The bank's time zone: weeks and months are cut in it. */
  timeZone: string;
  rulesVersion: string | null;
  /** Tier names of the rules, lowest first (the order of the tier chart). */
  tiers: readonly string[];
  log: AlertLog;
  summary: ReportSummary | null;
  /** RMs known from the profiles (an RM without alerts still shows); empty when only alerts are known. */
  rmIds: readonly string[];
  /** Final churn scores of every customer with a state, when the report is written by the backtest or the demo. */
  scores: { asOf: number; customers: readonly CustomerScore[] } | null;
  backtest: BacktestResult | null;
}
