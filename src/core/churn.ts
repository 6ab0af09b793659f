import type { Evidence } from '../domain/alert.ts';
import type { BusinessCalendar } from './calendar.ts';
import { INFLOW_DAYS, measureChurn } from './churn-features.ts';
import type { ChurnFeatureName, ChurnFeatureVector, ChurnMeasurements } from './churn-features.ts';
import type { CustomerFeatures } from './features.ts';
import { basisPoints, count, days, minorUnits } from './findings.ts';
import { formatMoney, formatPercent } from './money.ts';
import type { Rules } from './rules.ts';
import { scorecardOf } from './rules.ts';
import { scoreOf, scoreWith } from './scorecard.ts';
import type { CustomerState } from './state.ts';

/** One feature that raised the score: how much (log-odds against behaving as usual), in plain words with the numbers. */
export interface ChurnSignal {
  name: ChurnFeatureName;
  /** Log-odds this feature adds against a customer behaving as usual. */
  points: number;
  reason: string;
  evidence: Evidence[];
}

export interface ChurnAssessment {
  /** 0-100: the scorecard's chance (percent) that the relationship ends within its horizon. */
  score: number;
  /** Features that raised the score, strongest first. */
  signals: ChurnSignal[];
  vector: ChurnFeatureVector;
}

/**
 * The churn-risk score of a customer as of the features' day: the rules' scorecard over scale-free features that
 * compare the customer with their own normal (core/churn-features.ts). The reasons name the features that moved the
 * score most, each with its value against the customer's own usual level.
 */
export function assessChurn(state: CustomerState, features: CustomerFeatures, rules: Rules, calendar: BusinessCalendar): ChurnAssessment {
  const scored = scoreChurn(state, features, rules, calendar);
  return { score: scored.score, signals: scored.signals(), vector: scored.vector };
}

/**
 * assessChurn with the signals described only when asked: a day close reads them only when it tells the RM, and
 * wording every raising feature (money formatted) at every close of every customer cost more than the score.
 */
export interface ChurnScore {
  readonly score: number;
  readonly vector: ChurnFeatureVector;
  signals(): ChurnSignal[];
}

export function scoreChurn(state: CustomerState, features: CustomerFeatures, rules: Rules, calendar: BusinessCalendar): ChurnScore {
  const { vector, measured } = measureChurn(state, features, calendar);
  return new ScoredChurn(scoreOf(scorecardOf(rules), vector), vector, measured, rules);
}

/** A score whose signals are worded (and the contributions behind them sorted) only when read. */
class ScoredChurn {
  constructor(
    readonly score: number,
    readonly vector: ChurnFeatureVector,
    private readonly measured: ChurnMeasurements,
    private readonly rules: Rules,
  ) {}

  signals(): ChurnSignal[] {
    return scoreWith(scorecardOf(this.rules), this.vector)
      .contributions.filter((contribution) => contribution.points > 0 && contribution.value !== null)
      .map((contribution) => ({ name: contribution.name, points: contribution.points, ...describe(contribution.name, contribution.value!, this.measured, this.rules.currency) }));
  }
}

const ratioBp = (value: number) => Math.round(value * 10_000);
const oneDecimal = (value: number) => (Math.round(value * 10) / 10).toFixed(1);
const times = (value: number) => `${oneDecimal(value)}×`;

/** How a feature reads to an RM, and its evidence (exact integers: money in minor units, ratios in basis points). */
function describe(name: ChurnFeatureName, value: number, m: ChurnMeasurements, currency: string): { reason: string; evidence: Evidence[] } {
  const money = (amount: number) => formatMoney(amount, currency);
  switch (name) {
    case 'closeVsNormal':
      return {
        reason: `balance ${formatPercent(ratioBp(value))} of its usual level (${money(m.close)} against ${money(m.normal)})`,
        evidence: [minorUnits('closing_balance', m.close, null, m.normal)],
      };
    case 'fallBelowUsualLow':
      return {
        reason: `balance ${money(m.close)} against a usual low of ${money(m.usualLow ?? 0)}: down ${formatPercent(ratioBp(value))} of its 90-day peak of ${money(m.peak ?? 0)}`,
        evidence: [basisPoints('fall_below_usual_low', ratioBp(value)), minorUnits('usual_low_balance', m.usualLow ?? 0), minorUnits('sustained_peak_balance_90d', m.peak ?? 0)],
      };
    case 'competitorOutflowShare':
      return {
        reason: `${money(m.competitorRecent)} to other banks and investment platforms in 30 days, ${formatPercent(ratioBp(value))} of the 90-day average balance`,
        evidence: [basisPoints('competitor_outflow_share_30d', ratioBp(value)), minorUnits('competitor_outflow_30d', m.competitorRecent, null, m.competitorUsual)],
      };
    case 'competitorOutflowVsUsual':
      return {
        reason: `outflow to competitors ${times(value)} the usual (${money(m.competitorRecent)} in 30 days; usually ${money(m.competitorUsual)})`,
        evidence: [minorUnits('competitor_outflow_30d', m.competitorRecent, null, m.competitorUsual)],
      };
    case 'competitorTransfersAboveUsual':
      return {
        reason: `money went to other banks or investment platforms on ${m.competitorTransfersRecent} days in 30; usually ${oneDecimal(m.competitorTransfersUsual)}`,
        evidence: [count('competitor_transfer_days_30d', m.competitorTransfersRecent, Math.round(m.competitorTransfersUsual))],
      };
    case 'largestOutflowShare':
      return {
        reason: `${money(m.largestOutflow)} left in one day, ${formatPercent(ratioBp(value))} of the 90-day average balance`,
        evidence: [minorUnits('largest_daily_outflow_30d', m.largestOutflow, null, m.average90)],
      };
    case 'netFlowShare':
      return {
        reason: `net ${m.netFlow < 0 ? 'outflow' : 'inflow'} of ${money(Math.abs(m.netFlow))} in 30 days, ${formatPercent(Math.abs(ratioBp(value)))} of the 90-day average balance`,
        evidence: [minorUnits('net_flow_30d', m.netFlow, null, 0), minorUnits('average_daily_balance_90d', m.average90)],
      };
    case 'inflowVsUsual':
      return {
        reason: `money in ${formatPercent(ratioBp(value))} of the usual (${money(m.inflowRecent)} in ${INFLOW_DAYS} days; ${money(m.inflowUsual)} in the ${INFLOW_DAYS} days before)`,
        evidence: [minorUnits(`inflow_${INFLOW_DAYS}d`, m.inflowRecent, null, m.inflowUsual)],
      };
    case 'activityVsUsual':
      return {
        reason: `${m.activityRecent} customer-initiated transaction${m.activityRecent === 1 ? '' : 's'} in 30 days; usually ${Math.round(m.activityUsual)}`,
        evidence: [count('customer_transactions_30d', m.activityRecent, Math.round(m.activityUsual))],
      };
    case 'spendVsUsual':
      return {
        reason: `everyday spending ${formatPercent(ratioBp(value))} of the usual (${money(m.spendRecent)} in 30 days; usually ${money(m.spendUsual)})`,
        evidence: [minorUnits('everyday_spending_30d', m.spendRecent, null, m.spendUsual)],
      };
    case 'incomeOverdue':
      return {
        reason: `the regular salary or pension last arrived ${m.incomeSilentDays} days ago`,
        evidence: [days('days_since_regular_income', m.incomeSilentDays ?? 0, 30)],
      };
    case 'silenceVsUsual':
      return {
        reason: `no customer-initiated activity for ${m.silentDays} days; usually one every ${Math.max(1, Math.round(m.usualGapDays))} days`,
        evidence: [days('days_without_customer_activity', m.silentDays ?? 0, Math.round(m.usualGapDays))],
      };
    case 'drainToCompetitors':
      return {
        reason: `${money(m.competitorExcess)} to competitors in repeated transfers beyond the usual over two months, while the average balance went from ${money(m.averageBefore)} to ${money(m.average30)}`,
        evidence: [minorUnits('average_daily_balance_30d', m.average30, null, m.averageBefore), minorUnits('competitor_outflow_excess_60d', m.competitorExcess)],
      };
    case 'competitorTurnover':
      return {
        reason: `usually ${money(m.competitorUsual)} a month to other banks and investment platforms, ${formatPercent(ratioBp(value))} of the 90-day average balance`,
        evidence: [minorUnits('competitor_outflow_usual_30d', m.competitorUsual, null, m.average90)],
      };
    case 'competitorOutflowVsLargestMonth': {
      const { days, perMonth, before } = m.competitorBeyondRange;
      const window = days === 30 ? 'in 30 days' : `a month over ${days} days`;
      return {
        // no ratio in words: against a range of next to nothing the value is measured from a floor, not the range
        reason: `${money(perMonth)} to other banks and investment platforms ${window} beyond the largest day; at most ${money(before.largest)} in one of the ${before.months} remembered months before`,
        evidence: [minorUnits(days === 30 ? 'competitor_outflow_beyond_largest_day_30d' : `competitor_outflow_beyond_largest_day_${days}d_per_30d`, perMonth, null, before.largest)],
      };
    }
    case 'competitorMonthsAboveBefore': {
      const run = m.competitorRun ?? { months: 0, perMonth: 0, perMonthBefore: 0 };
      return {
        reason: `${money(run.perMonth)} ${run.months === 1 ? 'in the last month' : `a month for ${run.months} months in a row`} to other banks and investment platforms; ${money(run.perMonthBefore)} a month before`,
        evidence: [count('competitor_months_above_before', run.months, 0), minorUnits('competitor_outflow_per_month', run.perMonth, null, run.perMonthBefore)],
      };
    }
  }
}
