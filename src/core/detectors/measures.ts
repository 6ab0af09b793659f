import { RETAINED_DAYS } from '../features.ts';
import type { CustomerFeatures } from '../features.ts';
import type { Rules } from '../rules.ts';

/**
 * "Most of a large balance leaves in a day or two" (business days: a weekend may fall between): the calendar days an
 * exit's transfers are added up over.
 */
export const EXIT_DAYS = 5;

/** The numbers the transaction detectors compare, taken just before and just after a transaction is applied. */
export interface Measures {
  totalBalance: number;
  averageDailyBalance30: number;
  cumulativeOutflow: number;
  /** The customer's usual outflow of the same kinds per such window, from the retained days before the window. */
  usualCumulativeOutflow: number;
  cumulativeInflow: number;
  /** The customer's usual inflow of the same kinds per such window, from the retained days before the window. */
  usualCumulativeInflow: number;
  /** Outflow to competitors over 90 days: the customer's own usual level of leakage. */
  competitorOutflow90: number;
  /** Outflow to competitors over the last few days, today's included: an exit in two or three transfers. */
  competitorOutflowRecent: number;
  customerTransactions30: number;
}

export function measure(features: CustomerFeatures, rules: Rules): Measures {
  const { cumulative: outflow } = rules.largeOutflow;
  const { cumulative: inflow } = rules.largeInflow;
  const cumulativeOutflow = features.flow('DEBIT', outflow.kinds, outflow.windowDays);
  // salary and pension are regular income, never money moved over
  const cumulativeInflow = features.irregularInflow(inflow.kinds, inflow.windowDays);
  return {
    totalBalance: features.totalBalance,
    averageDailyBalance30: features.averageDailyBalance(30),
    cumulativeOutflow,
    usualCumulativeOutflow: usualPerWindow(cumulativeOutflow, features.flow('DEBIT', outflow.kinds, RETAINED_DAYS), outflow.windowDays),
    cumulativeInflow,
    usualCumulativeInflow: usualPerWindow(cumulativeInflow, features.irregularInflow(inflow.kinds, RETAINED_DAYS), inflow.windowDays),
    competitorOutflow90: features.flow('DEBIT', rules.competitorKinds, 90),
    competitorOutflowRecent: features.flow('DEBIT', rules.competitorKinds, EXIT_DAYS),
    customerTransactions30: features.customerTransactions(30),
  };
}

/** The usual sum per window: what the retained days before the window moved, scaled to the window's length. */
function usualPerWindow(inWindow: number, retained: number, windowDays: number): number {
  const daysBefore = RETAINED_DAYS - windowDays;
  return daysBefore > 0 ? Math.round(((retained - inWindow) * windowDays) / daysBefore) : 0;
}
