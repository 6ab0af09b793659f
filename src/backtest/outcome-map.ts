import type { AlertKind } from '../domain/alert.ts';
import { churnPatterns, growPatterns, trapPatterns } from '../generate/labels.ts';
import type { LabelPattern, Outcome } from '../generate/labels.ts';

/**
 * Which labelled outcome each alert kind predicts. Churn: money leaving (single, cumulative, leakage to competitors),
 * silence, a tier floor coming closer and the churn score. Growth: money arriving, upgrade eligibility and idle funds
 * (a lead for a product, so it is judged against growth too, and it shows how weak that link is).
 * Not scored: RM_HANDOVER (it says the RM changed, not what the customer does) and MATURITY (a date on a contract:
 * the generated labels say nothing of what the customer does with the money), so the table only counts them.
 */
export const predictedOutcome: Readonly<Partial<Record<AlertKind, Outcome>>> = {
  LARGE_OUTFLOW: 'churn',
  CUMULATIVE_OUTFLOW: 'churn',
  LEAKAGE: 'churn',
  DORMANCY: 'churn',
  DOWNGRADE_RISK: 'churn',
  CHURN_RISK: 'churn',
  LARGE_INFLOW: 'grow',
  CUMULATIVE_INFLOW: 'grow',
  UPGRADE_ELIGIBLE: 'grow',
  IDLE_FUNDS: 'grow',
};

export const scoredKinds = (outcome: Outcome): AlertKind[] =>
  (Object.keys(predictedOutcome) as AlertKind[]).filter((kind) => predictedOutcome[kind] === outcome);

export const patternsOf = (outcome: Outcome): readonly LabelPattern[] => (outcome === 'churn' ? churnPatterns : outcome === 'trap' ? trapPatterns : growPatterns);

/**
 * When an alert counts for a label: detected from `beforeDays` before the label's date to `afterDays` after it.
 * A generated label's date is the day its pattern starts (no posting of the pattern comes before it), and some
 * patterns only show weeks later: a salary 40 days overdue, the first dormancy stage 60 days into the silence,
 * a leakage spread over up to three months. Hence the long tail after the date; the days before it let an alert
 * that anticipated the pattern count (with a positive lead time).
 */
export interface MatchWindow {
  beforeDays: number;
  afterDays: number;
}

export const defaultWindow: MatchWindow = { beforeDays: 30, afterDays: 90 };
