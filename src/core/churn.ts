import type { Evidence } from '../domain/alert.ts';
import type { BusinessCalendar } from './calendar.ts';
import type { CustomerFeatures } from './features.ts';
import { basisPoints, count, days, minorUnits } from './findings.ts';
import { basisPointsOf, formatMoney, formatPercent } from './money.ts';
import { slideTargets } from './rfm.ts';
import type { Rules } from './rules.ts';
import type { CustomerState } from './state.ts';

/** How long an RFM slide out of the most valuable segment keeps counting as a churn signal. */
const RFM_SLIDE_COUNTS_DAYS = 90;

export type ChurnSignalName = keyof Rules['churn']['weights'];

/** One churn signal: how strongly it is present (0-1), in plain words with the numbers, against the customer's baseline. */
export interface ChurnSignal {
  name: ChurnSignalName;
  strength: number;
  /** Weighted points it adds to the 0-100 score. */
  points: number;
  reason: string;
  evidence: Evidence[];
}

export interface ChurnAssessment {
  score: number;
  /** Present signals, strongest contribution first. */
  signals: ChurnSignal[];
}

type Measured = Omit<ChurnSignal, 'points'>;

/**
 * The churn-risk score, 0-100: the weighted strength of the signals the sources name, each against the customer's
 * own history (outflow and leakage to competitors, drawdown from the 90-day peak, activity below its usual level, a
 * regular salary or pension that stopped, dormancy, a slide out of the most valuable RFM segment).
 */
export function assessChurn(state: CustomerState, features: CustomerFeatures, rules: Rules, calendar: BusinessCalendar): ChurnAssessment {
  const weights = rules.churn.weights;
  const measured: Measured[] = [
    leakage(features, rules),
    drawdown(features, rules),
    activityDecline(state, features, rules, calendar),
    regularIncomeStopped(state, features, rules),
    dormancy(state, features, rules, calendar),
    rfmSlide(state, features),
  ].filter((signal): signal is Measured => signal !== undefined && signal.strength > 0);
  const totalWeight = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  const signals = measured
    .map((signal) => ({ ...signal, points: totalWeight === 0 ? 0 : (100 * weights[signal.name] * signal.strength) / totalWeight }))
    .filter((signal) => signal.points > 0)
    .sort((left, right) => right.points - left.points || left.name.localeCompare(right.name));
  const score = Math.min(100, Math.round(signals.reduce((sum, signal) => sum + signal.points, 0)));
  return { score, signals };
}

const capped = (value: number) => Math.max(0, Math.min(1, value));

function leakage(features: CustomerFeatures, rules: Rules): Measured | undefined {
  const window = rules.churn.leakageWindowDays;
  const average90 = features.averageDailyBalance(90);
  if (average90 <= 0) return undefined;
  const recent = features.flow('DEBIT', rules.competitorKinds, window);
  const before = features.flow('DEBIT', rules.competitorKinds, 90) - recent;
  const usualMonthly = window >= 90 ? 0 : Math.round((before * 30) / (90 - window));
  const share = basisPointsOf(recent, average90);
  const usualShare = basisPointsOf(usualMonthly, average90);
  return {
    name: 'leakage',
    strength: capped(share / rules.churn.leakageFullShareBp),
    reason: `outflow to other banks and investment platforms ${formatPercent(share)} of 90-day average balance in ${window} days; usual monthly outflow ${formatPercent(usualShare)}`,
    evidence: [basisPoints(`competitor_outflow_share_${window}d`, share, rules.churn.leakageFullShareBp, usualShare), minorUnits('average_daily_balance_90d', average90)],
  };
}

function drawdown(features: CustomerFeatures, rules: Rules): Measured | undefined {
  const peak = features.peakBalance(90);
  if (peak <= 0) return undefined;
  const close = features.closingBalance();
  const fall = basisPointsOf(peak - close, peak);
  return {
    name: 'drawdown',
    strength: capped(fall / rules.churn.drawdownFullBp),
    reason: `balance ${formatPercent(fall)} below its 90-day peak of ${formatMoney(peak, rules.currency)}`,
    evidence: [basisPoints('drawdown_from_90d_peak', fall, rules.churn.drawdownFullBp), minorUnits('peak_balance_90d', peak), minorUnits('closing_balance', close, null, peak)],
  };
}

function activityDecline(state: CustomerState, features: CustomerFeatures, rules: Rules, calendar: BusinessCalendar): Measured | undefined {
  // a baseline needs the 60 days before the last 30
  if (calendar.dayOf(state.firstSeenAt) > features.asOfDay - 89) return undefined;
  const recent = features.customerTransactions(30);
  const baseline = (features.customerTransactions(90) - recent) / 2;
  if (baseline < rules.churn.activityBaselineMinPer30Days) return undefined;
  return {
    name: 'activityDecline',
    strength: capped(1 - recent / baseline),
    reason: `${recent} customer-initiated transactions in the last 30 days; usually ${Math.round(baseline)}`,
    evidence: [count('customer_transactions_30d', recent, Math.round(baseline))],
  };
}

/** A salary or pension stops counting as a churn signal this long after it last came (the customer has moved on). */
const REGULAR_INCOME_REMEMBERED_DAYS = 180;

function regularIncomeStopped(state: CustomerState, features: CustomerFeatures, rules: Rules): Measured | undefined {
  if (state.regularIncome === null) return undefined;
  const [last, streak] = state.regularIncome;
  const silent = features.asOfDay - last;
  if (streak < 2 || silent <= rules.churn.regularIncomeGapDays || silent > REGULAR_INCOME_REMEMBERED_DAYS) return undefined;
  return {
    name: 'regularIncomeStopped',
    strength: 1,
    reason: `salary or pension credit, monthly ${streak} times in a row, last arrived ${silent} days ago`,
    evidence: [days('days_since_regular_income', silent, rules.churn.regularIncomeGapDays), count('regular_income_streak', streak)],
  };
}

function dormancy(state: CustomerState, features: CustomerFeatures, rules: Rules, calendar: BusinessCalendar): Measured | undefined {
  const since = state.lastActivityAt ?? state.firstSeenAt;
  const silent = features.asOfDay - calendar.dayOf(since);
  const stages = rules.dormancy.stagesDays;
  const reached = stages.filter((stageDays) => silent >= stageDays).length;
  if (reached === 0) return undefined;
  return {
    name: 'dormancy',
    strength: reached / stages.length,
    reason: `no customer-initiated activity for ${silent} days`,
    evidence: [days('days_without_customer_activity', silent, stages[0] ?? null)],
  };
}

function rfmSlide(state: CustomerState, features: CustomerFeatures): Measured | undefined {
  const rfm = state.rfm;
  if (rfm?.slidFrom == null || features.asOfDay - rfm.slidOn > RFM_SLIDE_COUNTS_DAYS || !slideTargets.includes(rfm.segment)) return undefined;
  return {
    name: 'rfmSlide',
    strength: 1,
    reason: `RFM segment slid from ${label(rfm.slidFrom)} to ${label(rfm.segment)}`,
    evidence: [days('days_since_rfm_slide', features.asOfDay - rfm.slidOn)],
  };
}

const label = (segment: string) => segment.toLowerCase().replaceAll('_', ' ');
