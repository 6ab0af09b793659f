import { createHash } from 'node:crypto';
import type { Alert, AlertKind } from '../domain/alert.ts';
import type { CustomerProfile } from '../domain/profile.ts';
import { isRoutine } from './digest.ts';
import type { Finding } from './findings.ts';
import { priorityRank } from './findings.ts';
import { cooldownMs } from './rules.ts';
import type { Rules } from './rules.ts';
import type { CustomerState, Emission, Feed } from './state.ts';
import type { CampaignOpportunity } from '../domain/opportunity.ts';

export interface PolicyContext {
  rules: Rules;
  profile: CustomerProfile | undefined;
  /** The RM queue for customers with no known RM: an alert is never routed nowhere. */
  unassignedQueue: string;
  /** Processing time, stamped on the alert; a re-delivery re-sends the stored alert and keeps it. */
  detectedAt: number;
}

/** The same customer, kind and cause always give the same id, whichever instance or replay finds it. */
export function alertIdOf(customerId: string, finding: Pick<Finding, 'kind' | 'causeKey'>): string {
  return createHash('sha256').update(`${customerId}\u0000${finding.kind}\u0000${finding.causeKey}`).digest('hex').slice(0, 32);
}

/**
 * Turns findings into records for the feeds: routing to the customer's RM (or the unassigned queue), the cooldown
 * per customer × kind (the RM and campaigns are not told the same thing twice unless it got worse; the risk feed
 * gets everything), consent (the campaign feed carries consented customers only) and etiquette (a routine RM alert
 * is marked for the RM's digest when the rules enable it). Records cooldowns in `state`.
 */
export function emissionsFor(state: CustomerState, findings: readonly Finding[], context: PolicyContext): Emission[] {
  const { rules, profile } = context;
  const emissions: Emission[] = [];
  for (const finding of findings) {
    const alert = renderAlert(state.customerId, finding, context);
    const feeds: Feed[] = finding.feeds.includes('risk') ? ['risk'] : [];
    const toldBefore = state.cooldowns[finding.kind];
    const rank = priorityRank[finding.priority];
    const coolingDown = toldBefore !== undefined && finding.eventTime < toldBefore[0] && rank <= toldBefore[1];
    // the RM recorded "not interested" in this kind for this customer
    const suppressedUntil = state.suppressed[finding.kind];
    const unwanted = suppressedUntil !== undefined && finding.eventTime < suppressedUntil;
    const personal = coolingDown || unwanted ? [] : finding.feeds.filter((feed) => feed === 'rm' || (feed === 'campaign' && profile?.marketingConsent === true));
    if (personal.length > 0) {
      const cooldown = cooldownMs(rules, finding.kind);
      if (cooldown > 0) state.cooldowns[finding.kind] = [finding.eventTime + cooldown, rank];
      feeds.push(...personal);
    }
    if (feeds.length === 0) continue;
    // urgent alerts reach the RM at once; routine ones wait for the RM's digest (core/digest.ts)
    emissions.push(feeds.includes('rm') && isRoutine(alert, rules.digest) ? { alert, feeds, routine: true } : { alert, feeds });
  }
  return emissions;
}

/** The campaign feed's record: only what a campaign needs to act on, no evidence or counterparties. */
export function opportunityOf(alert: Alert): CampaignOpportunity {
  return {
    opportunityId: alert.alertId,
    kind: alert.kind,
    customerId: alert.customerId,
    rmId: alert.rmId,
    tier: alert.tier,
    amountMinor: alert.amountAtStakeMinor,
    currency: alert.currency,
    rulesVersion: alert.rulesVersion,
    eventTime: alert.eventTime,
    detectedAt: alert.detectedAt,
  };
}

function renderAlert(customerId: string, finding: Finding, context: PolicyContext): Alert {
  const { profile, rules } = context;
  const rmId = profile?.rmId ?? null;
  return {
    alertId: alertIdOf(customerId, finding),
    kind: finding.kind,
    priority: finding.priority,
    customerId,
    rmId,
    queue: rmId ?? context.unassignedQueue,
    branchId: profile?.branchId ?? null,
    tier: profile?.servedTier ?? null,
    reason: finding.reason,
    suggestedAction: finding.suggestedAction,
    evidence: finding.evidence,
    currency: rules.currency,
    amountAtStakeMinor: finding.amountAtStakeMinor,
    counterpartyKind: finding.counterpartyKind,
    toCompetitor: finding.toCompetitor,
    causeTransactionId: finding.causeTransactionId,
    rulesVersion: rules.version,
    eventTime: finding.eventTime,
    detectedAt: context.detectedAt,
  };
}

/** Forgets cooldowns and suppressions that have ended by `instant`, so the state does not grow with kinds long past. */
export function dropEndedCooldowns(state: CustomerState, instant: number): void {
  // by key, without the entries arrays (this runs for every posting)
  for (const kind in state.cooldowns) {
    if (state.cooldowns[kind as AlertKind]![0] <= instant) delete state.cooldowns[kind as AlertKind];
  }
  for (const kind in state.suppressed) {
    if (state.suppressed[kind as AlertKind]! <= instant) delete state.suppressed[kind as AlertKind];
  }
  if (state.watchUntil !== null && state.watchUntil <= instant) state.watchUntil = null;
}
