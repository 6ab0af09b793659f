import type { Outcome } from '../domain/outcome.ts';
import type { LoadedCustomer, StateWrite } from '../state/store.ts';
import { DAY_MS } from './calendar.ts';
import type { Rules } from './rules.ts';

/**
 * What RMs recorded feeds back: "not interested" keeps that alert kind away from the customer's RM and the campaign
 * feed for `outcomes.notInterestedSuppressDays` (the risk feed still gets everything). Idempotent: re-reading the
 * same outcome sets the same date.
 */
export function processOutcomes(loaded: ReadonlyMap<string, LoadedCustomer>, outcomes: readonly Outcome[], rules: Rules): StateWrite[] {
  const changed = new Map<string, StateWrite>();
  for (const outcome of outcomes) {
    if (outcome.outcome !== 'NOT_INTERESTED') continue;
    const stored = loaded.get(outcome.customerId);
    const state = changed.get(outcome.customerId)?.state ?? stored?.state;
    if (stored === undefined || state === undefined) continue;
    const until = outcome.recordedAt + rules.outcomes.notInterestedSuppressDays * DAY_MS;
    if ((state.suppressed[outcome.kind] ?? 0) >= until) continue;
    const next = { ...state, suppressed: { ...state.suppressed, [outcome.kind]: until }, rev: stored.rev + 1 };
    changed.set(outcome.customerId, { customerId: outcome.customerId, expectedRev: stored.rev, state: next });
  }
  return [...changed.values()];
}
