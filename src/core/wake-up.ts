import type { CustomerProfile } from '../domain/profile.ts';
import type { BusinessCalendar } from './calendar.ts';
import { seriesKept } from './day-series.ts';
import { nextDormancyDue, silenceStartOf, toldStage } from './detectors/dormancy.ts';
import { CustomerFeatures, hasNoLedger } from './features.ts';
import { nextMaturityWindowDay } from './maturity.ts';
import type { Rules } from './rules.ts';
import type { CustomerState } from './state.ts';
import { periodAverage, qualifiedTier, tierIndexOf } from './tiers.ts';

/** Timers fire a little after midnight, once the day before has closed. */
const AFTER_MIDNIGHT_MS = 60_000;

/** The earlier of a wake-up so far (null: none yet) and another (Math.min: the same number the array of candidates gave). */
const earlierOf = (earliest: number | null, due: number): number => (earliest === null ? due : Math.min(earliest, due));

/**
 * A customer who stops acting has no event to wake them: the churn score (silence against the customer's usual gap,
 * activity and spending against their usual) is looked at again every few days of a silence, from the first day a
 * silence can be unusual for anyone until the first dormancy stage takes over (at most 56 days: after two months an
 * alert is a report, not a warning). Only the looks are fixed; what the score makes of a silence is the customer's own.
 */
export const SILENCE_LOOKS = { fromDays: 8, everyDays: 4, untilDays: 56 } as const;

/**
 * The first day after `evaluatedDay` on which a silence begun on `silentSinceDay` is looked at, or null: none left
 * by `untilDays`. (A first dormancy stage that comes sooner wakes the customer before the next look, and once it is
 * told the looks stop: nextWakeUp.)
 */
export function nextSilenceLook(silentSinceDay: number, evaluatedDay: number): number | null {
  const { fromDays, everyDays, untilDays } = SILENCE_LOOKS;
  const silent = Math.max(fromDays, evaluatedDay + 1 - silentSinceDay);
  const look = fromDays + Math.ceil((silent - fromDays) / everyDays) * everyDays;
  return look > untilDays ? null : silentSinceDay + look;
}

/**
 * When the customer must be looked at again with no event: the next dormancy stage; the close of a day with
 * activity, for customers worth a daily look; the next day while their average is still moving toward another tier,
 * an upgrade waits out its hold, a downgrade risk builds or a churn episode is open; the day a regular salary or
 * pension is overdue; every few days of a silence (SILENCE_LOOKS); and the day the notice window of a maturity
 * without auto-rollover opens. One timer per customer: the earliest of these.
 */
export function nextWakeUp(state: CustomerState, profile: CustomerProfile | undefined, rules: Rules, calendar: BusinessCalendar, householdLagDays = 0): number | null {
  // the earliest so far, kept as it goes (no array of candidates, no closure: this runs for every fired timer and every
  // customer of every batch)
  let earliest: number | null = null;
  const dormancy = nextDormancyDue(state, profile, rules);
  if (dormancy !== null) earliest = earlierOf(earliest, dormancy);
  if (profile?.status !== 'CLOSED') {
    const streamDay = calendar.dayOf(state.streamTime);
    // read from the day series when it is kept (core/day-series.ts), not by walking the buckets: this runs for every
    // customer of every batch and timer, and the walk of 30 closes was a tenth of a replay
    const features = new CustomerFeatures(state, Math.max(streamDay, state.evaluatedDay), calendar, seriesKept(state.days) ? {} : undefined);
    const average = features.averageDailyBalance(30);
    const close = features.closingBalance();
    const worthADailyLook = Math.max(average, close) >= rules.churn.minAverageBalanceMinor || state.churn !== null;
    const averageTier = qualifiedTier(rules, rules.tiers.period === 'rolling30' ? average : periodAverage(features, rules), null);
    // an average above the served tier must be seen to hold for the hold period, day by day, even with no event
    const upgradePending =
      profile !== undefined &&
      averageTier > tierIndexOf(rules, profile.servedTier) &&
      (state.upgradeTold === null || tierIndexOf(rules, state.upgradeTold) < averageTier);
    // an average sliding down toward a close near or below the served tier's floor: the downgrade risk builds daily
    const served = profile === undefined ? 0 : tierIndexOf(rules, profile.servedTier);
    const floor = rules.tiers.levels[served]?.minAverageMinor ?? 0;
    const downgradePending = served > 0 && close < average && close * 10_000 < floor * (10_000 + rules.tiers.downgrade.marginBp);
    const inMotion = state.churn !== null || upgradePending || downgradePending || qualifiedTier(rules, close, null) !== averageTier;
    if (worthADailyLook && state.evaluatedDay < streamDay) {
      earliest = earlierOf(earliest, calendar.startOf(streamDay + 1) + AFTER_MIDNIGHT_MS);
    } else if (worthADailyLook && inMotion) {
      earliest = earlierOf(earliest, calendar.startOf(state.evaluatedDay + 2) + AFTER_MIDNIGHT_MS);
    }
    if (state.regularIncome !== null && state.regularIncome[1] >= 2) {
      const overdueDay = state.regularIncome[0] + rules.churn.regularIncomeGapDays + 1;
      if (overdueDay > state.evaluatedDay) earliest = earlierOf(earliest, calendar.startOf(overdueDay + 1) + AFTER_MIDNIGHT_MS);
    }
    if (!hasNoLedger(state) && toldStage(state) === 0) {
      const look = nextSilenceLook(calendar.dayOf(silenceStartOf(state)), state.evaluatedDay);
      if (look !== null) earliest = earlierOf(earliest, calendar.startOf(look + 1) + AFTER_MIDNIGHT_MS);
    }
    // tier decisions waiting for the household's other members: looked at again at the next sweep (with a lag, not
    // before the day they can be judged: a replay must not fire a timer it knows changes nothing)
    const waiting = state.tiersPending?.[0];
    if (waiting !== undefined) earliest = earlierOf(earliest, calendar.startOf(waiting + 1 + householdLagDays) + AFTER_MIDNIGHT_MS);
    // the day a maturity's notice window opens (processTimers tells it then); already open: at the next sweep
    const maturityWindow = nextMaturityWindowDay(state, profile, rules);
    if (maturityWindow !== null) earliest = earlierOf(earliest, calendar.startOf(maturityWindow) + AFTER_MIDNIGHT_MS);
  }
  return earliest;
}
