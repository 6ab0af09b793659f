import type { CustomerProfile } from '../domain/profile.ts';
import type { BusinessCalendar } from './calendar.ts';
import { isoDateOf } from './calendar.ts';
import { assessChurn } from './churn.ts';
import { featuresAsOf, seriesFeatures } from './features.ts';
import { householdFeatures } from './household.ts';
import type { HouseholdMember } from './household.ts';
import { rfmOf } from './rfm.ts';
import type { Rules } from './rules.ts';
import { scorecardOf } from './rules.ts';
import type { CustomerState } from './state.ts';
import { periodAverage, qualifiedTier, tierIndexOf } from './tiers.ts';

/**
 * How tidewatch judges the customer right now, next to the raw features: the churn score with its reasons, the
 * RFM reading, the tier the period average qualifies for (alone or with the household's other `members`) against the
 * one served, any watch or suppression, and the maturities without auto-rollover it watches.
 */
export function assessmentView(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  instant: number,
  rules: Rules,
  calendar: BusinessCalendar,
  members?: readonly HouseholdMember[],
) {
  const features = featuresAsOf(state, instant, calendar);
  const household = householdFeatures(seriesFeatures(state, features.asOfDay, calendar), members, rules, calendar);
  const householdAverage = household?.averageAt(features.asOfDay) ?? null;
  const churn = assessChurn(state, features, rules, calendar);
  const rfm = rfmOf(features, state.lastActivityAt === null ? null : calendar.dayOf(state.lastActivityAt), rules);
  const average = periodAverage(features, rules);
  const levels = rules.tiers.levels;
  return {
    churn: {
      score: churn.score,
      episodeOpenSince: state.churn === null ? null : state.churn.since,
      scorecard: scorecardOf(rules).version,
      // points: log-odds the feature adds against the customer behaving as usual
      reasons: churn.signals.map((signal) => ({ signal: signal.name, points: Math.round(signal.points * 100) / 100, reason: signal.reason })),
      features: churn.vector,
    },
    rfm: { ...rfm, recencyDays: Number.isFinite(rfm.recencyDays) ? rfm.recencyDays : null, slidFrom: state.rfm?.slidFrom ?? null },
    tier: {
      period: rules.tiers.period,
      periodAverageMinor: average,
      served: profile?.servedTier ?? null,
      household: household === null ? null : { householdId: profile?.householdId ?? null, members: household.members, periodAverageMinor: householdAverage },
      qualifies: levels[qualifiedTier(rules, average, householdAverage)]!.name,
      servedRank: profile === undefined ? null : tierIndexOf(rules, profile.servedTier),
      upgradeTold: state.upgradeTold,
    },
    watchUntil: state.watchUntil === null ? null : new Date(state.watchUntil).toISOString(),
    suppressedUntil: Object.fromEntries(Object.entries(state.suppressed).map(([kind, until]) => [kind, new Date(until).toISOString()])),
    // maturities without auto-rollover, nearest first: told once the notice window opened, kept a week after the date
    maturities: state.products.maturities.map(([productId, day, principalMinor, kind, told]) => ({ productId, kind, principalMinor, maturityDate: isoDateOf(day), told })),
  };
}
