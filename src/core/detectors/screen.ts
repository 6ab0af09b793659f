import type { Transaction } from '../../domain/transaction.ts';
import { thresholdFor } from '../rules.ts';
import type { DetectionContext } from './context.ts';
import { isCompetitor, scaled } from './context.ts';

const REGULAR_INCOME = ['SALARY', 'PENSION'];

/**
 * Whether any transaction detector could fire on this transaction, decided from the transaction alone, so that
 * the window sums and averages are computed only for the few that matter (a card payment of 300 CZK never raises
 * an alert). Errs on the side of yes: anything that might cross a window sum is measured.
 */
export function mayRaiseFinding(transaction: Transaction, context: DetectionContext): boolean {
  const { rules, tier } = context;
  const { amountMinor: amount, counterpartyKind: kind } = transaction;
  if (transaction.direction === 'DEBIT') {
    const outflow = rules.largeOutflow;
    const singleFloor = scaled(context, Math.min(thresholdFor(outflow.single.minAmountMinor, tier), outflow.single.shareFloorMinor));
    if (outflow.countedKinds.includes(kind) && amount >= singleFloor) return true;
    // any debit to a competitor may be a small customer's exit, whatever its amount
    return outflow.cumulative.kinds.includes(kind) || isCompetitor(context, kind);
  }
  const inflow = rules.largeInflow;
  if (inflow.excludedCategories.includes(transaction.category)) return false;
  const singleFloor = Math.min(thresholdFor(inflow.single.minAmountMinor, tier), inflow.single.shareFloorMinor);
  if (inflow.countedKinds.includes(kind) && amount >= singleFloor) return true;
  return inflow.cumulative.kinds.includes(kind) && !REGULAR_INCOME.includes(transaction.category);
}
