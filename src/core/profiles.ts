import type { CustomerProfile } from '../domain/profile.ts';
import { CustomerFeatures } from './features.ts';
import { minorUnits, raise } from './findings.ts';
import type { Finding } from './findings.ts';
import { formatMoney } from './money.ts';
import { emissionsFor } from './policy.ts';
import type { CoreContext } from './processor.ts';
import type { Emission } from './state.ts';
import type { Priority } from '../domain/alert.ts';
import type { LoadedCustomer, StateWrite } from '../state/store.ts';
import { DAY_MS } from './calendar.ts';
import { isTopTier } from './detectors/context.ts';

export interface ProfileUpdate {
  customerId: string;
  /** null: a tombstone (erasure). */
  profile: CustomerProfile | null;
}

export interface ProfileBatchResult {
  /** Stored with the profiles: watch periods and the handover alerts in the outbox. */
  writes: StateWrite[];
  emissions: Emission[];
  /** Stored once the emissions are published: the outbox emptied of them. */
  settle: StateWrite[];
}

/**
 * Reference-data changes the RM must hear about: a customer handed to another RM, or whose RM left the bank ("when a
 * salesperson suddenly resigns, their customers leave with them"). A customer with meaningful value goes on watch
 * (lower outflow thresholds for `rmChange.watchDays`) and the new RM (or, after a departure with no successor, the
 * unassigned queue) gets a handover alert. A re-read of the same update (after a crash) re-sends the stored alert.
 */
export function processProfiles(
  loaded: ReadonlyMap<string, LoadedCustomer>,
  updates: readonly ProfileUpdate[],
  detectedAt: number,
  context: CoreContext,
): ProfileBatchResult {
  const result: ProfileBatchResult = { writes: [], emissions: [], settle: [] };
  for (const { customerId, profile } of updates) {
    const stored = loaded.get(customerId);
    const state = stored?.state;
    if (profile === null || stored === undefined || state === undefined) continue;
    const key = causeKeyOf(profile);
    const owed = state.outbox.filter((entry) => entry.cause.kind === 'profile' && entry.cause.key === key);
    if (owed.length > 0) {
      result.emissions.push(...owed.flatMap((entry) => entry.emissions));
      result.settle.push({ customerId, expectedRev: stored.rev, state: { ...state, outbox: state.outbox.filter((entry) => !owed.includes(entry)), rev: stored.rev + 1 } });
      continue;
    }
    const previous = stored.profile;
    const reassigned = previous !== undefined && previous.rmId !== null && previous.rmId !== profile.rmId;
    const departed = profile.rmStatus === 'DEPARTED' && previous?.rmStatus !== 'DEPARTED';
    if (!reassigned && !departed) continue;
    const finding = handover(previous, profile, new CustomerFeatures(state, context.calendar.dayOf(Math.max(state.streamTime, profile.updatedAt)), context.calendar), context);
    if (finding === undefined) continue;
    state.watchUntil = Math.max(state.watchUntil ?? 0, profile.updatedAt + context.rules.rmChange.watchDays * DAY_MS);
    // routed to the successor; a departed RM with none yet: the unassigned queue, which stands for the team lead
    const routing = departed && !reassigned ? { ...profile, rmId: null } : profile;
    const emissions = emissionsFor(state, [finding], { rules: context.rules, profile: routing, unassignedQueue: context.unassignedQueue, detectedAt });
    const written = { ...state, outbox: [...state.outbox, { cause: { kind: 'profile' as const, key }, emissions }], rev: stored.rev + 1 };
    result.writes.push({ customerId, expectedRev: stored.rev, state: written });
    result.emissions.push(...emissions);
    result.settle.push({ customerId, expectedRev: written.rev, state: { ...written, outbox: state.outbox, rev: written.rev + 1 } });
  }
  return result;
}

const causeKeyOf = (profile: CustomerProfile) => `rm:${profile.updatedAt}:${profile.rmId ?? '-'}:${profile.rmStatus}`;

function handover(
  previous: CustomerProfile | undefined,
  profile: CustomerProfile,
  features: CustomerFeatures,
  context: CoreContext,
): Finding | undefined {
  const { rules } = context;
  const average = features.averageDailyBalance(30);
  if (average < rules.rmChange.minAverageMinor) return undefined;
  const departed = profile.rmStatus === 'DEPARTED' && (previous?.rmId ?? null) === profile.rmId;
  const detection = { rules, tier: profile.servedTier };
  let priority: Priority = 'MEDIUM';
  if (isTopTier(detection) || average >= rules.priority.urgentAmountMinor) priority = raise(priority);
  const value = `${profile.servedTier}, 30-day average ${formatMoney(average, rules.currency)}`;
  const watch = `on watch for ${rules.rmChange.watchDays} days`;
  return {
    kind: 'RM_HANDOVER',
    priority,
    causeKey: causeKeyOf(profile),
    reason: departed
      ? `RM ${profile.rmId ?? previous?.rmId ?? 'unknown'} has left the bank: the customer needs a new RM now (${value}); ${watch}`
      : `Handed over to you from ${previous?.rmId ?? 'no RM'} (${value}); ${watch}`,
    suggestedAction: 'Introduce yourself within the week: customers follow a departing RM unless someone they know calls first.',
    evidence: [minorUnits('average_daily_balance_30d', average, rules.rmChange.minAverageMinor)],
    amountAtStakeMinor: average,
    counterpartyKind: null,
    toCompetitor: false,
    causeTransactionId: null,
    eventTime: profile.updatedAt,
    feeds: ['rm'],
  };
}
