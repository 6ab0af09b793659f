import { z } from 'zod';
import { alertKinds } from '../domain/alert.ts';
import { processOutcomes } from '../core/outcomes.ts';
import type { Rules } from '../core/rules.ts';
import type { StateStore } from '../state/store.ts';
import type { Rejected } from './records.ts';

/**
 * What an RM recorded about an alert (the RM work log the sources insist on). The replay reads and validates them,
 * and hands them to a hook when stream time reaches `recordedAt`; by default `applyOutcomes`, the same core the
 * service runs ("not interested" suppresses that kind for the customer).
 */
export const alertOutcomeValues = ['CONTACTED', 'RETAINED', 'NOT_INTERESTED', 'FALSE_ALARM'] as const;

export const alertOutcomeSchema = z.object({
  alertId: z.string().min(1),
  customerId: z.string().min(1),
  kind: z.enum(alertKinds),
  outcome: z.enum(alertOutcomeValues),
  /** When the RM recorded it: UTC millis, like every time on the wire. */
  recordedAt: z.number().int().nonnegative(),
  /** The RM who recorded it, where the work log says (the Outcome record of src/domain carries it). */
  rmId: z.string().min(1).nullable().optional(),
});

export type AlertOutcome = z.infer<typeof alertOutcomeSchema>;

export type OutcomeItem = { kind: 'outcome'; outcome: AlertOutcome } | Rejected;

export type OutcomeSource = AsyncIterable<OutcomeItem | readonly OutcomeItem[]>;

export interface OutcomeContext {
  /** The stream time the replay has reached (every transaction before it is applied and its alerts published). */
  streamTime: number;
  /** The replay's store, for a hook that keeps what outcomes teach per customer. */
  store: StateStore;
}

/** Receives the outcomes recorded up to the stream time, in file order. */
export type OutcomeHook = (outcomes: readonly AlertOutcome[], context: OutcomeContext) => void | Promise<void>;

/** The default hook: outcomes through the service's core (processOutcomes), stored like any state change. */
export function applyOutcomes(rules: Rules): OutcomeHook {
  return async (outcomes, { store }) => {
    const loaded = await store.load(outcomes.map((outcome) => outcome.customerId));
    const writes = processOutcomes(loaded, outcomes.map((outcome) => ({ ...outcome, rmId: outcome.rmId ?? null })), rules);
    const { conflicts } = await store.commit(writes, []);
    if (conflicts.length > 0) throw new Error(`outcomes for ${conflicts.join(', ')} met state written by someone else (a shared Redis prefix?)`);
  };
}
