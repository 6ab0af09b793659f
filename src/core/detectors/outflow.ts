import type { Transaction } from '../../domain/transaction.ts';
import type { Priority } from '../../domain/alert.ts';
import { basisPoints, minorUnits, raise } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { basisPointsOf, formatMoney, formatPercent } from '../money.ts';
import { thresholdFor } from '../rules.ts';
import type { DetectionContext } from './context.ts';
import { destinationOf, isCompetitor, isTopTier, kindsPhrase, scaled } from './context.ts';
import type { Measures } from './measures.ts';

/**
 * Money leaving: one large debit (absolute per tier, or a large share of the relationship balance), the window sum
 * to competitors crossing its threshold (gradual leakage), and every outflow to a competitor above the leakage
 * floor. All of them go to the risk team and feed the churn score; the RM hears only of an exit: a debit to a
 * competitor that leaves at most (1 - nearTotalShare) of the customer's own normal balance, whatever the amount (a
 * 15,000 CNY saver's whole relationship counts as much as a private client's), unlike before: no day of the retained
 * 90, and no remembered month of the half year before them, sent competitors about as large a share of what the
 * customer then held in a step about as large (a monthly sweep to their main bank, a move of nearly everything the
 * customer made before and came back from, is their normal). Moves between the customer's own accounts are not outflow.
 */
export function detectOutflow(transaction: Transaction, before: Measures, after: Measures, context: DetectionContext, history: DebitHistory | null = null): Finding[] {
  if (transaction.direction !== 'DEBIT') return [];
  const { rules } = context;
  const findings: Finding[] = [];
  const single = singleOutflow(transaction, before, after, context, history);
  if (single !== undefined) findings.push(single);
  const cumulative = single === undefined ? cumulativeOutflow(transaction, before, after, context) : undefined;
  if (cumulative !== undefined) findings.push(cumulative);
  if (findings.length === 0 && isCompetitor(context, transaction.counterpartyKind) && transaction.amountMinor >= rules.leakage.minAmountMinor) {
    findings.push(leakage(transaction, before, after, context));
  }
  return findings;
}

/**
 * What the customer's own history says about a debit to a competitor (processor.ts decides it from the state before
 * it), asked only of a debit that is an exit by the money:
 * - `largestMove(minShare)`: the largest amount sent to competitors on one day of the retained days before the exit
 *   window (EXIT_DAYS) that was at least `minShare` of what the customer then held (the day's opening balance), or in
 *   one remembered month before them that was at least `minShare` of what was held then (core/month-memory.ts); 0
 *   when none was;
 * - `paidMonthly()`: whether about the same amount went to the same kind of counterparty a month and two months
 *   before (core/flows.ts isStandingOrder): a standing order, such as rent or a loan at another bank;
 * - `noBaseline`: the customer is too new to have a normal (below).
 */
export interface DebitHistory {
  largestMove: (minShare: number) => number;
  paidMonthly: () => boolean;
  /**
   * The customer is known for less than 30 days: no month of their own to judge by, so most of the balance going to
   * another bank may be what they do every month (a salary swept to their main bank after payday). Not an exit yet:
   * the debit still goes to the risk team when it is large, and the churn score judges it once a normal exists.
   */
  noBaseline: boolean;
}

/** An earlier move at least this share of the exit's step, in amount and in its share of the balance, is the same move made again. */
const SAME_MOVE_SHARE = 0.75;

/**
 * Whether the step breaks the customer's own pattern (always, without a history to judge by): a customer who sweeps
 * most of the balance to their main bank every month (two thirds, or nearly all), or has moved nearly all of as much
 * away before and come back, is not leaving by doing it again. The earlier move must have taken about as large a share
 * of what was there as this step. Nor is a standing order that happened to fall on the month's lowest balance (rent
 * paid before the salary came): the same payment went out the two months before. Nor is anything a customer known
 * for less than a month does. Asked only of a debit that is an exit by the money (the history costs a walk).
 */
function unlikeBefore(after: Measures, history: DebitHistory | null): boolean {
  if (history === null) return true;
  if (history.noBaseline || history.paidMonthly()) return false;
  const step = after.competitorOutflowRecent;
  const stepShare = step / Math.max(1, Math.max(0, after.totalBalance) + step);
  return history.largestMove(SAME_MOVE_SHARE * stepShare) < SAME_MOVE_SHARE * step;
}

function singleOutflow(transaction: Transaction, before: Measures, after: Measures, context: DetectionContext, history: DebitHistory | null): Finding | undefined {
  const { rules, tier } = context;
  const rule = rules.largeOutflow.single;
  if (!rules.largeOutflow.countedKinds.includes(transaction.counterpartyKind)) return undefined;
  const amount = transaction.amountMinor;
  // never below the debit itself: an overdrawn account still had this much at stake
  const balanceBefore = Math.max(before.totalBalance, after.totalBalance + amount, amount);
  const share = basisPointsOf(amount, balanceBefore);
  const minAmount = scaled(context, thresholdFor(rule.minAmountMinor, tier));
  const large = amount >= minAmount || (amount >= scaled(context, rule.shareFloorMinor) && share >= rule.shareOfBalanceBp);
  const toCompetitor = isCompetitor(context, transaction.counterpartyKind);
  const exit = toCompetitor && isExit(before, after, context) && unlikeBefore(after, history);
  if (!large && !exit) return undefined;

  let priority: Priority = toCompetitor ? 'HIGH' : 'MEDIUM';
  if (exit || amount >= rules.priority.urgentAmountMinor) priority = 'URGENT';
  else if (isTopTier(context)) priority = raise(priority);
  // a whole relationship leaves all the same; what it was worth sets how soon the RM calls
  if (exit && before.averageDailyBalance30 < rules.churn.minAverageBalanceMinor) priority = 'LOW';
  const usualMonthlyLeakage = Math.round(before.competitorOutflow90 / 3);
  const money = (value: number) => formatMoney(value, rules.currency);
  // an exit is judged by what is left against the customer's usual balance, so that is what its reason says: the
  // debit alone may be a small part of a balance that several transfers emptied
  const left = Math.max(0, after.totalBalance);
  const reason = exit
    ? `Near-total withdrawal: ${money(amount)} ${destinationOf(transaction.counterpartyKind)}; ${money(left)} left, ${formatPercent(basisPointsOf(left, before.averageDailyBalance30))} of the usual ${money(before.averageDailyBalance30)}`
    : `Large outflow: ${money(amount)} ${destinationOf(transaction.counterpartyKind)}, ${formatPercent(share)} of the relationship balance`;
  return {
    kind: 'LARGE_OUTFLOW',
    priority,
    causeKey: transaction.transactionId,
    reason,
    suggestedAction: toCompetitor
      ? 'Call the customer today: ask what the other institution offers and what would keep the money here.'
      : 'Check with the customer whether the money is coming back or a need is not being met.',
    evidence: [
      minorUnits('amount', amount, minAmount, usualMonthlyLeakage),
      basisPoints('share_of_relationship_balance', share, rule.shareOfBalanceBp),
      minorUnits('relationship_balance_before', balanceBefore),
      minorUnits('relationship_balance_after', after.totalBalance, null, before.averageDailyBalance30),
    ],
    amountAtStakeMinor: balanceBefore,
    counterpartyKind: transaction.counterpartyKind,
    toCompetitor,
    causeTransactionId: transaction.transactionId,
    eventTime: transaction.eventTime,
    feeds: exit ? ['rm', 'risk'] : ['risk'],
  };
}

/**
 * The relationship leaving in this debit: what stays is at most (1 - nearTotalShare) of the customer's own normal
 * (the 30-day average balance: a large credit leaving again the next day never was the customer's normal), more
 * stayed before it (the line is crossed once, by this debit), the transfers to competitors of the last few days are
 * a real step (a quarter of that normal: a two-day exit's smaller second transfer completes it). Whatever the
 * relationship was worth: that sets the priority (LOW under the value floor), not whether it is an exit.
 */
function isExit(before: Measures, after: Measures, context: DetectionContext): boolean {
  const { rules } = context;
  const normal = before.averageDailyBalance30;
  if (normal <= 0) return false;
  const mayStayBp = 10_000 - rules.largeOutflow.single.nearTotalShareBp;
  const leftBp = basisPointsOf(Math.max(0, after.totalBalance), normal);
  const leftBeforeBp = basisPointsOf(Math.max(0, before.totalBalance), normal);
  return leftBp <= mayStayBp && leftBeforeBp > mayStayBp && after.competitorOutflowRecent * 4 >= normal;
}

function cumulativeOutflow(transaction: Transaction, before: Measures, after: Measures, context: DetectionContext): Finding | undefined {
  const { rules, tier } = context;
  const rule = rules.largeOutflow.cumulative;
  if (!rule.kinds.includes(transaction.counterpartyKind)) return undefined;
  const minAmount = scaled(context, thresholdFor(rule.minAmountMinor, tier));
  const shareFloor = scaled(context, rule.shareFloorMinor);
  const baseline = before.averageDailyBalance30;
  const usual = before.usualCumulativeOutflow;
  const meets = (sum: number) =>
    (sum >= minAmount || (sum >= shareFloor && basisPointsOf(sum, baseline) >= rule.shareOfAverageBalanceBp)) && sum * 10_000 >= usual * rule.minTimesUsualBp;
  // only the transaction that crosses the line raises it: later ones in the same window are the same story
  if (!meets(after.cumulativeOutflow) || meets(before.cumulativeOutflow)) return undefined;

  const sum = after.cumulativeOutflow;
  const share = basisPointsOf(sum, baseline);
  const toCompetitor = rule.kinds.every((kind) => isCompetitor(context, kind));
  let priority: Priority = toCompetitor ? 'HIGH' : 'MEDIUM';
  if (share >= rules.largeOutflow.single.nearTotalShareBp || sum >= rules.priority.urgentAmountMinor) priority = 'URGENT';
  else if (isTopTier(context)) priority = raise(priority);
  return {
    kind: 'CUMULATIVE_OUTFLOW',
    priority,
    causeKey: transaction.transactionId,
    reason:
      `${formatMoney(sum, rules.currency)} moved to ${kindsPhrase(rule.kinds)} in ${rule.windowDays} days, ` +
      `${formatPercent(share)} of the 30-day average balance; usual for ${rule.windowDays} days: ${formatMoney(usual, rules.currency)}`,
    suggestedAction: 'Money is leaking gradually: review the relationship with the customer before the rest follows.',
    evidence: [
      minorUnits(`outflow_${rule.windowDays}d`, sum, minAmount, usual),
      basisPoints('share_of_average_balance_30d', share, rule.shareOfAverageBalanceBp),
      minorUnits('average_daily_balance_30d', baseline),
      minorUnits('relationship_balance_after', after.totalBalance),
    ],
    amountAtStakeMinor: sum,
    counterpartyKind: transaction.counterpartyKind,
    toCompetitor,
    causeTransactionId: transaction.transactionId,
    eventTime: transaction.eventTime,
    // leakage over a window feeds the churn score and the risk team; the RM hears of it through CHURN_RISK
    feeds: ['risk'],
  };
}

function leakage(transaction: Transaction, before: Measures, after: Measures, context: DetectionContext): Finding {
  const { rules } = context;
  return {
    kind: 'LEAKAGE',
    priority: 'LOW',
    causeKey: transaction.transactionId,
    reason: `${formatMoney(transaction.amountMinor, rules.currency)} ${destinationOf(transaction.counterpartyKind)}`,
    suggestedAction: 'None for the RM; counted in the risk team’s leakage figures.',
    evidence: [
      minorUnits('amount', transaction.amountMinor, rules.leakage.minAmountMinor),
      minorUnits('competitor_outflow_90d', after.competitorOutflow90, null, before.competitorOutflow90),
    ],
    amountAtStakeMinor: transaction.amountMinor,
    counterpartyKind: transaction.counterpartyKind,
    toCompetitor: true,
    causeTransactionId: transaction.transactionId,
    eventTime: transaction.eventTime,
    feeds: ['risk'],
  };
}
