import { priorities } from '../../domain/alert.ts';
import type { Priority } from '../../domain/alert.ts';
import type { CustomerProfile } from '../../domain/profile.ts';
import type { BusinessCalendar } from '../calendar.ts';
import { isoDateOf } from '../calendar.ts';
import { scoreChurn } from '../churn.ts';
import type { ChurnScore } from '../churn.ts';
import { COMPETITORS } from '../churn-features.ts';
import { RETAINED_DAYS, seriesFeatures } from '../features.ts';
import type { CustomerFeatures } from '../features.ts';
import { basisPoints, minorUnits, raise } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { householdFeatures } from '../household.ts';
import type { HouseholdFeatures, HouseholdMember } from '../household.ts';
import { basisPointsOf, formatMoney, formatPercent } from '../money.ts';
import { largestMonthOfShare, rememberMonths } from '../month-memory.ts';
import { rfmSegmentOf, slideTargets } from '../rfm.ts';
import type { Rules } from '../rules.ts';
import { churnThresholds } from '../rules.ts';
import type { CustomerState } from '../state.ts';
import { periodAverage, qualifiedTier, tierIndexOf } from '../tiers.ts';
import type { DetectionContext } from './context.ts';
import { isTopTier, kindsPhrase } from './context.ts';

/**
 * Detectors that judge a whole business day rather than one transaction: tier upgrade eligibility and downgrade
 * risk, the churn-risk score, RFM, idle funds. They run once per customer and day, on the close of the day before
 * the customer's next event (or when a timer wakes a silent customer), so the same input gives the same alerts
 * however it is cut into batches. They update the state's memory of what was told (upgrade, churn episode, RFM).
 * `household`: the other members of the customer's household, for tiers a household may reach together.
 */
export function evaluateDayClose(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  day: number,
  context: DetectionContext,
  calendar: BusinessCalendar,
  household?: readonly HouseholdMember[],
  tiers: 'judge' | 'defer' = 'judge',
): Finding[] {
  const { rules } = context;
  const features = seriesFeatures(state, day, calendar);
  const eventTime = calendar.startOf(day + 1) - 1;
  const findings: Finding[] = [];
  rememberMonths(state, features, COMPETITORS);
  updateRfm(state, features, rules, calendar);
  // deferred: the household's other members have not all passed the day yet (judgeTiers judges it once they have)
  // scored once: the churn episode reads it, and so does a downgrade risk that needs it corroborated
  const scored = scoreChurn(state, features, rules, calendar);
  if (tiers === 'judge') findings.push(...tierFindings(state, profile, features, householdFeatures(features, household, rules, calendar), context, calendar, eventTime, scored.score));
  const churn = churnRisk(state, features, scored, context, eventTime);
  if (churn !== undefined) findings.push(churn);
  const idle = idleFunds(state, profile, features, context, calendar, eventTime);
  if (idle !== undefined) findings.push(idle);
  state.evaluatedDay = day;
  return findings;
}

/**
 * The tier decisions of a day whose close was judged without them, because the household's other members had not all
 * passed it (core/household.ts): as of that day, for the customer and the members alike, so they are what they would
 * have been had every member been complete at the close.
 */
export function judgeTiers(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  day: number,
  context: DetectionContext,
  calendar: BusinessCalendar,
  household?: readonly HouseholdMember[],
): Finding[] {
  const features = seriesFeatures(state, day, calendar);
  return tierFindings(state, profile, features, householdFeatures(features, household, context.rules, calendar), context, calendar, calendar.startOf(day + 1) - 1);
}

function tierFindings(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  features: CustomerFeatures,
  together: HouseholdFeatures | null,
  context: DetectionContext,
  calendar: BusinessCalendar,
  eventTime: number,
  churnScoreOfClose?: number,
): Finding[] {
  const findings: Finding[] = [];
  const upgrade = upgradeEligibility(state, profile, features, together, context, eventTime);
  if (upgrade !== undefined) findings.push(upgrade);
  const downgrade = downgradeRisk(state, profile, features, together, context, calendar, eventTime, churnScoreOfClose);
  if (downgrade !== undefined) findings.push(downgrade);
  return findings;
}

function updateRfm(state: CustomerState, features: CustomerFeatures, rules: Rules, calendar: BusinessCalendar): void {
  const lastActivityDay = state.lastActivityAt === null ? null : calendar.dayOf(state.lastActivityAt);
  const segment = rfmSegmentOf(features, lastActivityDay, rules);
  const previous = state.rfm;
  const slid = previous?.segment === 'IMPORTANT_VALUE' && slideTargets.includes(segment);
  if (slid) state.rfm = { segment, slidFrom: 'IMPORTANT_VALUE', slidOn: features.asOfDay };
  else if (previous !== null && slideTargets.includes(segment) && previous.slidFrom !== null) state.rfm = { ...previous, segment };
  // unchanged (most closes): kept, not replaced by an equal object the state then holds on to
  else if (previous === null || previous.segment !== segment || previous.slidFrom !== null || previous.slidOn !== 0) state.rfm = { segment, slidFrom: null, slidOn: 0 };
}

/** How far under a tier's floor an eligibility told must fall to be news again when crossed (basis points). */
const UPGRADE_FORGET_MARGIN_BP = 1000;
/** An amount as if the floors were UPGRADE_FORGET_MARGIN_BP higher: qualifiedTier(wellBelow(average)) is the tier it is well inside. */
const wellBelow = (amount: number): number => Math.round((amount * 10_000) / (10_000 - UPGRADE_FORGET_MARGIN_BP));

function upgradeEligibility(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  features: CustomerFeatures,
  household: HouseholdFeatures | null,
  context: DetectionContext,
  eventTime: number,
): Finding | undefined {
  const { rules } = context;
  const levels = rules.tiers.levels;
  if (profile === undefined) return undefined; // the served tier is unknown: it may be the higher one already
  const served = tierIndexOf(rules, profile.servedTier);
  const average = periodAverage(features, rules);
  const day = features.asOfDay;
  const householdAverage = household?.averageAt(day) ?? null;
  if (qualifiedTier(rules, average, householdAverage) <= served) {
    // well back below (a tenth under the floor): a later crossing is news again; an average that wavers around the
    // floor is the same news
    if (qualifiedTier(rules, wellBelow(average), householdAverage === null ? null : wellBelow(householdAverage)) <= served) state.upgradeTold = null;
    return undefined;
  }
  // already told a tier at least as high as the held one can be (the loop below holds no more than the judged day's
  // own average or the household's): nothing to tell, so the hold days are not read (a customer told stays eligible
  // at every close after, usually for the rest of a replay)
  if (state.upgradeTold !== null && tierIndexOf(rules, state.upgradeTold) >= Math.max(qualifiedTier(rules, average, householdAverage), qualifiedTier(rules, 0, householdAverage))) {
    return undefined;
  }
  // held on every day of the hold period, by the average and by the money actually there at each day's close: a
  // spike large enough to lift the period average for weeks has left by the next close
  let held = Number.POSITIVE_INFINITY;
  let heldAlone = Number.POSITIVE_INFINITY;
  for (let past = day - rules.tiers.upgradeHoldDays + 1; past <= day; past += 1) {
    const thatDay = features.at(past);
    const alone = Math.min(qualifiedTier(rules, periodAverage(thatDay, rules), null), qualifiedTier(rules, thatDay.closingBalance(), null));
    heldAlone = Math.min(heldAlone, alone);
    held = Math.min(
      held,
      household === null ? alone : Math.max(alone, Math.min(qualifiedTier(rules, 0, household.averageAt(past)), qualifiedTier(rules, 0, household.closingAt(past)))),
    );
  }
  if (held <= served) return undefined;
  const target = levels[held]!;
  if (state.upgradeTold !== null && tierIndexOf(rules, state.upgradeTold) >= held) return undefined;
  state.upgradeTold = target.name;
  const period = rules.tiers.period === 'monthToDate' ? 'month-to-date' : '30-day';
  const needsApproval = target.gated;
  let priority: Priority = needsApproval ? 'HIGH' : 'MEDIUM';
  if (isTopTier(context)) priority = raise(priority);
  const byHousehold = household !== null && heldAlone < held;
  const basis = byHousehold
    ? `household ${period} average ${formatMoney(household.averageAt(day), rules.currency)} (${household.members} members) held above ${formatMoney(target.householdMinAverageMinor ?? 0, rules.currency)}`
    : `${period} average ${formatMoney(average, rules.currency)} held above ${formatMoney(target.minAverageMinor, rules.currency)}`;
  return {
    kind: 'UPGRADE_ELIGIBLE',
    priority,
    causeKey: `${profile.servedTier}>${target.name}:${day}`,
    reason: `${needsApproval ? 'Eligible, needs approval' : 'Eligible'}: ${target.name} (served ${levels[served]!.name}); ${basis} for ${rules.tiers.upgradeHoldDays} days`,
    suggestedAction: needsApproval
      ? `Put the upgrade to ${target.name} up for approval and tell the customer what it brings.`
      : `Upgrade the customer to ${target.name} and tell them what it brings.`,
    evidence: [
      minorUnits(`average_balance_${rules.tiers.period}`, average, target.minAverageMinor),
      minorUnits('closing_balance', features.closingBalance()),
      ...(byHousehold ? [minorUnits(`household_average_balance_${rules.tiers.period}`, household.averageAt(day), target.householdMinAverageMinor)] : []),
    ],
    amountAtStakeMinor: byHousehold ? household.averageAt(day) : average,
    counterpartyKind: null,
    toCompetitor: false,
    causeTransactionId: null,
    eventTime,
    feeds: ['rm', 'campaign'],
  };
}

/** The long look-back of a downgrade's fall, in trend spans. */
const DOWNGRADE_LONG_SPANS = 3;
/** A downgrade risk is churn when the money went to competitors over the last 30 days: at least half the fall... */
const DOWNGRADE_FLOW_DAYS = 30;
const FALL_TO_COMPETITORS_SHARE = 0.5;
/** ...and more than 1.5 times what the customer usually sends them in 30 days, and more than in any remembered month. */
const ABOVE_USUAL_TIMES = 1.5;

/**
 * One downgrade-risk episode per served tier: told when the average has fallen (by minFallBp against the customer's
 * own level before) to near the floor or below it; not again while it stays there (the RM knows); a new episode once
 * the average is back above the floor and its margin, or the served tier changed.
 */
function downgradeRisk(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  features: CustomerFeatures,
  household: HouseholdFeatures | null,
  context: DetectionContext,
  calendar: BusinessCalendar,
  eventTime: number,
  /** The close's churn score when the caller has it (a deferred tier judgement has not: measured here if needed). */
  churnScoreOfClose?: number,
): Finding | undefined {
  const { rules } = context;
  const served = tierIndexOf(rules, profile?.servedTier);
  const level = rules.tiers.levels[served];
  if (profile === undefined || served === 0 || level === undefined) return undefined;
  // a household that keeps the tier together keeps it for each member, whatever one member's own average does
  if (household !== null && level.householdMinAverageMinor !== null && household.averageAt(features.asOfDay) >= level.householdMinAverageMinor) return undefined;
  const { marginBp, trendDays, minFallBp } = rules.tiers.downgrade;
  const floor = level.minAverageMinor;
  const average = periodAverage(features, rules);
  const below = average < floor;
  const near = average * 10_000 < floor * (10_000 + marginBp);
  if (!near) {
    state.downgradeTold = null; // recovered: a later fall is a new episode
    return undefined;
  }
  if (state.downgradeTold !== null && state.downgradeTold !== level.name) state.downgradeTold = null; // served tier changed
  if (state.downgradeTold !== null) return undefined; // the RM knows
  // what the customer usually sends to competitors is measured over the retained days: without them seen, there is
  // no usual to be above (a bank's first weeks on tidewatch, a new customer), so no call
  if (!features.covers(RETAINED_DAYS)) return undefined;
  // the customer's own level before: the higher of the averages one and three trend spans ago, so a slow fade over
  // six weeks counts as a fall and a customer who simply sits at the floor does not (read only near the floor)
  const before = Math.max(periodAverage(features.at(features.asOfDay - trendDays), rules), periodAverage(features.at(features.asOfDay - DOWNGRADE_LONG_SPANS * trendDays), rules));
  const fall = basisPointsOf(before - average, before);
  // a churn signal says the customer is moving away: an average that sits just under the floor without falling, or
  // falls because the customer spends their savings, is a matter for the tier review, not a call
  if (fall < minFallBp) return undefined;
  const toCompetitors = features.flow('DEBIT', rules.competitorKinds, DOWNGRADE_FLOW_DAYS);
  const usualToCompetitors = (features.flow('DEBIT', rules.competitorKinds, RETAINED_DAYS) - toCompetitors) * DOWNGRADE_FLOW_DAYS / (RETAINED_DAYS - DOWNGRADE_FLOW_DAYS);
  if (toCompetitors < (before - average) * FALL_TO_COMPETITORS_SHARE || toCompetitors <= usualToCompetitors * ABOVE_USUAL_TIMES) return undefined;
  // a multi-banker's transfers to their other banks swing from month to month: a month like one of the half year
  // before is their range, not a move away
  if (toCompetitors <= largestMonthOfShare(state, features.asOfDay - DOWNGRADE_FLOW_DAYS + 1, 0)) return undefined;
  // moving away repeats: when one day's transfer alone carried the fall (a house, a car), only what follows can tell
  if (!rules.tiers.downgrade.oneDayTransferCounts) {
    const beyondOneDay = toCompetitors - features.largestDailyFlow('DEBIT', rules.competitorKinds, DOWNGRADE_FLOW_DAYS);
    if (beyondOneDay < (before - average) * FALL_TO_COMPETITORS_SHARE) return undefined;
  }
  // the money alone does not say the customer is leaving: their own behaviour must say it too, with a churn score at
  // least where an open churn episode stays open (measured on generated banks: 9 in 10 of the downgrade calls on
  // customers who stayed scored under it, most calls on leaving customers above). Not told yet: judged again at the
  // next close, and told once the score gets there while the average is still near the floor
  const churnScore = churnScoreOfClose ?? scoreChurn(state, features, rules, calendar).score;
  const { clearBelowScore } = churnThresholds(rules);
  if (churnScore < clearBelowScore) return undefined;
  state.downgradeTold = level.name;
  const earlier = `its average ${trendDays} or ${DOWNGRADE_LONG_SPANS * trendDays} days before`;
  const where = `${formatMoney(toCompetitors, rules.currency)} to ${kindsPhrase(rules.competitorKinds)} in ${DOWNGRADE_FLOW_DAYS} days (usually ${formatMoney(Math.round(usualToCompetitors), rules.currency)}); churn score ${churnScore}/100`;
  return {
    kind: 'DOWNGRADE_RISK',
    priority: isTopTier(context) ? 'HIGH' : 'MEDIUM',
    causeKey: `${level.name}:${features.asOfDay}`,
    reason: below
      ? `Below the ${level.name} floor: average ${formatMoney(average, rules.currency)} against ${formatMoney(floor, rules.currency)}, down ${formatPercent(fall)} from ${earlier}; ${where}`
      : `Falling toward the ${level.name} floor: average ${formatMoney(average, rules.currency)}, down ${formatPercent(fall)} from ${earlier}; floor ${formatMoney(floor, rules.currency)}; ${where}`,
    suggestedAction: 'Talk to the customer before the tier review: find out where the money is going.',
    evidence: [
      minorUnits(`average_balance_${rules.tiers.period}`, average, floor, before),
      basisPoints('average_fall', fall, minFallBp),
      minorUnits(`outflow_to_competitors_${DOWNGRADE_FLOW_DAYS}d`, toCompetitors, null, Math.round(usualToCompetitors)),
      { metric: 'churn_score', unit: 'SCORE', value: churnScore, threshold: clearBelowScore, baseline: null },
    ],
    amountAtStakeMinor: average,
    counterpartyKind: null,
    toCompetitor: false,
    causeTransactionId: null,
    eventTime,
    feeds: ['rm'],
  };
}

/** An exit's episode ends once the close is back to at least half of the customer's normal before the exit. */
const EXIT_RECOVERED_SHARE = 0.5;

/**
 * Features that say money moved; the others say whether everyday life (income, activity, spending) goes on, or that
 * money keeps going (repeated transfers to competitors: not a one-off payment).
 */
const MONEY_MOVED: ReadonlySet<string> = new Set(['closeVsNormal', 'fallBelowUsualLow', 'competitorOutflowShare', 'competitorOutflowVsUsual', 'largestOutflowShare', 'netFlowShare']);

/**
 * One churn-risk episode per customer: opened when the score reaches the threshold, told again (one priority
 * higher) only when it rose by `escalateBy`, closed once it stayed below the clearing score for `clearAfterDays`.
 * When only money moved and income and everyday activity go on, the alert says it may be a one-off payment and that
 * the episode escalates if they stop: only what happens next can tell paying for something from moving away.
 */
function churnRisk(state: CustomerState, features: CustomerFeatures, scored: ChurnScore, context: DetectionContext, eventTime: number): Finding | undefined {
  const { rules } = context;
  const settings = rules.churn;
  const { alertFromScore, clearBelowScore } = churnThresholds(rules);
  const { score, vector } = scored;
  context.observer?.({ customerId: state.customerId, day: features.asOfDay, vector, score });
  const episode = state.churn;
  // after an exit the money-moved features fade as the new, lower balance becomes the normal: the customer is gone
  // until the money is back against the normal before the exit (an episode stored before it was remembered: against
  // today's normal), and the RM is not told of the same departure again when activity then stops
  const moneyStillGone =
    episode?.exit === true &&
    (episode.exitFrom !== undefined ? features.closingBalance() < EXIT_RECOVERED_SHARE * episode.exitFrom : vector.closeVsNormal === null || vector.closeVsNormal < EXIT_RECOVERED_SHARE);
  if (episode !== null && score < clearBelowScore && !moneyStillGone) {
    // the money of an exit is back: that ends it; a dip of the score is not the end of a leak the salary refills
    const quietSince = episode.quietSince ?? features.asOfDay;
    if (episode.exit === true || features.asOfDay - quietSince + 1 >= settings.clearAfterDays) state.churn = null;
    else state.churn = { ...episode, quietSince };
    return undefined;
  }
  if (episode?.quietSince !== undefined && score >= clearBelowScore) {
    const { quietSince: _, ...stillOpen } = episode;
    state.churn = stillOpen;
  }
  if (moneyStillGone) return undefined;
  const opens = episode === null && score >= alertFromScore;
  const worsens = episode !== null && score >= episode.toldScore + settings.escalateBy;
  // the averages are read only past here: most closes neither open nor worsen an episode
  if (!opens && !worsens) return undefined;
  const average = features.averageDailyBalance(30);
  // value at stake sets the priority, never whether the customer is leaving: below the floor it is told LOW
  const belowValueFloor = Math.max(average, features.averageDailyBalance(90)) < settings.minAverageBalanceMinor;
  // the urgency the score itself gives (scale-free); the value at stake may raise what is sent, never whether
  let level: Priority = score >= 80 ? 'HIGH' : 'MEDIUM';
  if (worsens) level = raise(level);
  // escalated, never repeated: a rise that cannot be told louder than the last telling is not told again
  if (worsens && episode.toldLevel !== undefined && priorities.indexOf(level) >= priorities.indexOf(episode.toldLevel)) return undefined;
  state.churn = { since: episode?.since ?? features.asOfDay, toldScore: score, toldLevel: level };
  const priority = belowValueFloor ? 'LOW' : isTopTier(context) || average >= rules.priority.urgentAmountMinor ? raise(level) : level;
  const top = scored.signals().slice(0, settings.topReasons);
  const lifeGoesOn = top.length > 0 && top.every((signal) => MONEY_MOVED.has(signal.name));
  const caveat = lifeGoesOn ? '. Income and everyday activity go on: it may be a one-off payment; tidewatch escalates if they stop' : '';
  return {
    kind: 'CHURN_RISK',
    priority,
    causeKey: `${state.churn.since}:${score}`,
    reason: `${worsens ? 'Churn risk rising' : 'Churn risk'} ${score}/100: ${top.length === 0 ? 'the scorecard’s base rate, no feature above its usual' : top.map((signal) => signal.reason).join('; ')}${caveat}`,
    suggestedAction: lifeGoesOn
      ? 'Ask the customer what the money was for, and whether the bank can help with it.'
      : 'Call the customer this week: ask how the relationship is going and what would keep them.',
    evidence: [{ metric: 'churn_score', unit: 'SCORE', value: score, threshold: alertFromScore, baseline: episode?.toldScore ?? null }, ...top.flatMap((signal) => signal.evidence)],
    amountAtStakeMinor: average,
    counterpartyKind: null,
    toCompetitor: false,
    causeTransactionId: null,
    eventTime,
    feeds: ['rm'],
  };
}

/** An idle-funds episode that went on this long is told again. */
const IDLE_RETOLD_DAYS = 365;
/** An idle-funds episode ends when the average falls this share under the minimum (or the customer invests). */
const IDLE_GONE_MARGIN = 0.1;

function idleFunds(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  features: CustomerFeatures,
  context: DetectionContext,
  calendar: BusinessCalendar,
  eventTime: number,
): Finding | undefined {
  const { rules } = context;
  const settings = rules.idleFunds;
  if (profile === undefined || !settings.riskAppetites.includes(profile.riskAppetite)) return undefined;
  const average = features.averageDailyBalance(30);
  const watchedSince = features.asOfDay - settings.noInvestmentDays;
  const invested = state.lastInvestmentAt !== null && calendar.dayOf(state.lastInvestmentAt) > watchedSince;
  // the episode ends when the money goes (a tenth under the minimum: an average that wavers around it is the same
  // episode) or is put to work: idle again later is news again
  const gone = average < settings.minAverageMinor * (1 - IDLE_GONE_MARGIN);
  if (average < settings.minAverageMinor || invested) {
    if ((gone || invested) && state.idleTold !== undefined) delete state.idleTold;
    return undefined;
  }
  if (calendar.dayOf(state.firstSeenAt) > watchedSince) return undefined; // not watched long enough to say
  // told once per episode (a reminder after a year), not every cooldown while nothing changed
  if (state.idleTold !== undefined && state.idleTold > features.asOfDay - IDLE_RETOLD_DAYS) return undefined;
  state.idleTold = features.asOfDay;
  const lastInvested = state.lastInvestmentAt === null ? 'no investment seen' : `last investment ${isoDateOf(calendar.dayOf(state.lastInvestmentAt))}`;
  return {
    kind: 'IDLE_FUNDS',
    priority: isTopTier(context) ? 'MEDIUM' : 'LOW',
    causeKey: `${features.asOfDay}`,
    reason: `${formatMoney(average, rules.currency)} average balance idle for ${settings.noInvestmentDays} days (${lastInvested}); declared ${profile.riskAppetite.toLowerCase()} risk appetite`,
    suggestedAction: 'Offer a conservative product (term deposit, money-market fund) that fits the declared risk appetite.',
    evidence: [minorUnits('average_daily_balance_30d', average, settings.minAverageMinor)],
    amountAtStakeMinor: average,
    counterpartyKind: null,
    toCompetitor: false,
    causeTransactionId: null,
    eventTime,
    feeds: ['rm', 'campaign'],
  };
}
