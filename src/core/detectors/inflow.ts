import type { Priority } from '../../domain/alert.ts';
import type { Transaction } from '../../domain/transaction.ts';
import { basisPoints, minorUnits, raise } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { basisPointsOf, formatMoney, formatPercent } from '../money.ts';
import { thresholdFor } from '../rules.ts';
import type { DetectionContext } from './context.ts';
import { isCompetitor, isTopTier, kindsPhrase, originOf } from './context.ts';
import type { Measures } from './measures.ts';

/**
 * Money arriving: one large credit (over the tier's amount and at least `minShareOfAverageBalanceBp` of the customer's
 * own 30-day average balance, or as large as that average), or the window sum from other banks crossing the tier's
 * amount and that share (money moved in tranches). Salary, pension and interest are regular income, not a jump, and
 * so is a credit repeating last month's (core/flows.ts) or no larger than a day's money in of the last 90; a customer
 * known for less than 30 days has no normal to jump from, so only the tier's amount (with its share) counts for them.
 * Inflow from a competitor is the strongest opportunity and says so.
 */
/** What the customer's own history says about a credit (processor.ts decides it from the state before the credit). */
export interface CreditHistory {
  /** The same credit came about a month ago (income paid as a transfer): the customer's normal, not a jump. */
  monthlyRepeat: boolean;
  /** The customer is known for less than 30 days: there is no normal to jump from, only the absolute amount counts. */
  noBaseline: boolean;
  /**
   * The largest day of money in (the counted kinds, regular income apart) of the retained days before this one: a
   * credit no larger is one the customer has had before, not a jump. Asked only of a credit large enough to be one.
   */
  largestDayBefore?: () => number;
  /** The largest sum over the cumulative window's length of the retained days before this one (the same kinds). */
  largestWindowBefore?: () => number;
}

export function detectInflow(
  transaction: Transaction,
  before: Measures,
  after: Measures,
  context: DetectionContext,
  history: CreditHistory = { monthlyRepeat: false, noBaseline: false },
): Finding[] {
  if (transaction.direction !== 'CREDIT') return [];
  if (context.rules.largeInflow.excludedCategories.includes(transaction.category)) return [];
  const single = history.monthlyRepeat ? undefined : singleInflow(transaction, before, after, context, history);
  if (single !== undefined) return [single];
  const cumulative = cumulativeInflow(transaction, before, after, context, history);
  return cumulative === undefined ? [] : [cumulative];
}

/** An amount over a tier's threshold is a jump for this customer: a large enough share of their own normal. */
function jumps(amount: number, baseline: number, context: DetectionContext): boolean {
  return baseline <= 0 || basisPointsOf(amount, baseline) >= context.rules.largeInflow.minShareOfAverageBalanceBp;
}

function priorityOf(amount: number, fromCompetitor: boolean, context: DetectionContext): Priority {
  if (amount >= context.rules.priority.urgentAmountMinor) return 'HIGH';
  const priority: Priority = fromCompetitor ? 'HIGH' : 'MEDIUM';
  return isTopTier(context) && priority === 'MEDIUM' ? raise(priority) : priority;
}

function singleInflow(transaction: Transaction, before: Measures, after: Measures, context: DetectionContext, history: CreditHistory): Finding | undefined {
  const { rules, tier } = context;
  const rule = rules.largeInflow.single;
  if (!rules.largeInflow.countedKinds.includes(transaction.counterpartyKind)) return undefined;
  const amount = transaction.amountMinor;
  const baseline = before.averageDailyBalance30;
  const share = basisPointsOf(amount, baseline);
  const minAmount = thresholdFor(rule.minAmountMinor, tier);
  const byAmount = amount >= minAmount && jumps(amount, baseline, context);
  const large = byAmount || (!history.noBaseline && amount >= rule.shareFloorMinor && (baseline <= 0 || share >= rule.shareOfAverageBalanceBp));
  if (!large || (history.largestDayBefore !== undefined && amount <= history.largestDayBefore())) return undefined;

  const fromCompetitor = isCompetitor(context, transaction.counterpartyKind);
  const origin = originOf(transaction.counterpartyKind);
  const against = baseline > 0 ? `, ${formatPercent(share)} of the 30-day average balance` : ', on a near-empty relationship';
  return {
    kind: 'LARGE_INFLOW',
    priority: priorityOf(amount, fromCompetitor, context),
    causeKey: transaction.transactionId,
    reason: `Received ${formatMoney(amount, rules.currency)}${origin === '' ? '' : ` ${origin}`}${against}`,
    suggestedAction: fromCompetitor
      ? 'Money is coming over from a competitor: offer a product that keeps it here (deposit, wealth, FX).'
      : 'Talk to the customer about putting the new funds to work.',
    evidence: [
      minorUnits('amount', amount, minAmount),
      // the share line that made it large: a fifth with the tier's amount, as much again without it
      basisPoints('share_of_average_balance_30d', share, byAmount ? rules.largeInflow.minShareOfAverageBalanceBp : rule.shareOfAverageBalanceBp),
      minorUnits('average_daily_balance_30d', baseline),
      minorUnits('relationship_balance_after', after.totalBalance, null, baseline),
    ],
    amountAtStakeMinor: amount,
    counterpartyKind: transaction.counterpartyKind,
    toCompetitor: false,
    causeTransactionId: transaction.transactionId,
    eventTime: transaction.eventTime,
    feeds: ['rm', 'campaign'],
  };
}

function cumulativeInflow(transaction: Transaction, before: Measures, after: Measures, context: DetectionContext, history: CreditHistory): Finding | undefined {
  const { rules, tier } = context;
  const rule = rules.largeInflow.cumulative;
  if (!rule.kinds.includes(transaction.counterpartyKind)) return undefined;
  const minAmount = thresholdFor(rule.minAmountMinor, tier);
  const baseline = before.averageDailyBalance30;
  const usual = before.usualCumulativeInflow;
  const meets = (sum: number) => sum >= minAmount && jumps(sum, baseline, context) && sum * 10_000 >= usual * rule.minTimesUsualBp;
  // only the transfer that crosses the line raises it
  if (!meets(after.cumulativeInflow) || meets(before.cumulativeInflow)) return undefined;
  // a sum the customer has had over such a window before is their normal: a business's lumpy takings
  if (history.largestWindowBefore !== undefined && after.cumulativeInflow <= history.largestWindowBefore()) return undefined;

  const sum = after.cumulativeInflow;
  const fromCompetitor = rule.kinds.some((kind) => isCompetitor(context, kind));
  return {
    kind: 'CUMULATIVE_INFLOW',
    priority: priorityOf(sum, fromCompetitor, context),
    causeKey: transaction.transactionId,
    reason: `Received ${formatMoney(sum, rules.currency)} from ${kindsPhrase(rule.kinds)} in ${rule.windowDays} days, in more than one transfer`,
    suggestedAction: 'The customer is bringing money over in steps: follow up while the move is under way.',
    evidence: [
      minorUnits(`inflow_${rule.windowDays}d`, sum, minAmount, usual),
      minorUnits('average_daily_balance_30d', baseline),
      minorUnits('relationship_balance_after', after.totalBalance, null, baseline),
    ],
    amountAtStakeMinor: sum,
    counterpartyKind: transaction.counterpartyKind,
    toCompetitor: false,
    causeTransactionId: transaction.transactionId,
    eventTime: transaction.eventTime,
    feeds: ['rm', 'campaign'],
  };
}
