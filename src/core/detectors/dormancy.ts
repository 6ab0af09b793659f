import type { Priority } from '../../domain/alert.ts';
import type { CustomerProfile } from '../../domain/profile.ts';
import { DAY_MS, isoDateOf } from '../calendar.ts';
import type { BusinessCalendar } from '../calendar.ts';
import { hasNoLedger } from '../features.ts';
import { days, minorUnits, raise } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { formatMoney } from '../money.ts';
import type { Rules } from '../rules.ts';
import type { CustomerState } from '../state.ts';
import type { DetectionContext } from './context.ts';
import { isTopTier } from './context.ts';

/**
 * Silence is the signal: staged warnings when a customer has initiated nothing for N days; the RM hears the first
 * stage reached in a silence (unless a churn episode already told them), the later ones are recorded. Interest and fee
 * postings (initiated by the bank) do not break the silence. Evaluated from timers, so it fires when no event
 * arrives; a customer never seen acting is silent since first seen.
 */
export const silenceStartOf = (state: CustomerState) => state.lastActivityAt ?? state.firstSeenAt;

/** The dormancy stage already told for the current silence (0 when the customer acted since). */
export function toldStage(state: CustomerState): number {
  return state.dormancy.since === silenceStartOf(state) ? state.dormancy.stage : 0;
}

/** When the next stage is due (UTC millis), or null when there is none (last stage told, or the relationship closed). */
export function nextDormancyDue(state: CustomerState, profile: CustomerProfile | undefined, rules: Rules): number | null {
  // known only from product events: no account seen, so no silence to judge
  if (profile?.status === 'CLOSED' || hasNoLedger(state)) return null;
  const stageDays = rules.dormancy.stagesDays[toldStage(state)];
  return stageDays === undefined ? null : silenceStartOf(state) + stageDays * DAY_MS;
}

/**
 * The highest stage reached by `now` that was not told yet, as a finding, and the stage to record. After an
 * outage it tells only the highest stage reached, not every stage missed.
 */
export function detectDormancy(
  state: CustomerState,
  profile: CustomerProfile | undefined,
  now: number,
  context: DetectionContext,
  calendar: BusinessCalendar,
): { finding: Finding; stage: number } | undefined {
  if (profile?.status === 'CLOSED' || hasNoLedger(state)) return undefined;
  const { rules } = context;
  const since = silenceStartOf(state);
  const stages = rules.dormancy.stagesDays;
  const told = toldStage(state);
  let reached = told;
  while (reached < stages.length && since + stages[reached]! * DAY_MS <= now) reached += 1;
  if (reached === told) return undefined;

  const stageDays = stages[reached - 1]!;
  const final = reached === stages.length;
  const balance = Object.values(state.accounts).reduce((sum, [amount]) => sum + amount, 0);
  let priority: Priority = final ? 'HIGH' : reached === 1 ? 'LOW' : 'MEDIUM';
  if (isTopTier(context)) priority = raise(priority);
  const onlyBankPostings = state.streamTime > since ? '; only bank postings (interest, fees) since' : '';
  const lastAct = state.lastActivityAt === null ? `first seen ${isoDateOf(calendar.dayOf(since))}, never active` : `last active ${isoDateOf(calendar.dayOf(since))}`;
  return {
    stage: reached,
    finding: {
      kind: 'DORMANCY',
      priority,
      causeKey: `${since}:${reached}`,
      reason: `${final ? 'Dormant' : 'Going quiet'}: no customer-initiated activity for ${stageDays} days (${lastAct}${onlyBankPostings}); ${formatMoney(balance, rules.currency)} held`,
      suggestedAction: final
        ? 'The relationship is dormant: reach out before the account is classed inactive or closed.'
        : 'Get in touch: ask how the customer is banking now and whether something went wrong.',
      evidence: [days('days_without_customer_activity', stageDays, stageDays), minorUnits('relationship_balance', balance)],
      amountAtStakeMinor: balance,
      counterpartyKind: null,
      toCompetitor: false,
      causeTransactionId: null,
      eventTime: since + stageDays * DAY_MS,
      // one RM alert per silence, and none while a churn episode is open: the RM already heard the customer is
      // leaving, and dormancy is a report of it; later stages move the churn score and the stage only
      feeds: told === 0 && state.churn === null ? ['rm'] : [],
    },
  };
}
