import { z } from 'zod';
import { alertKinds } from '../domain/alert.ts';
import type { StateStore } from '../state/store.ts';
import type { Rejected } from './records.ts';

/**
 * What an RM recorded about an alert (the RM work log the sources insist on). The core that feeds outcomes back
 * (suppression, precision per rule) is not written yet: the replay reads and validates them, and hands them to a
 * hook when stream time reaches `recordedAt`, so that the feedback can be wired in without touching the replay.
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
