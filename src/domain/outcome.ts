import { z } from 'zod';
import { alertKinds } from './alert.ts';

/** Mirrors avro/Outcome.avsc: what an RM recorded about an alert in their front-end (the RM work log). */
export const outcomeKinds = ['CONTACTED', 'RETAINED', 'NOT_INTERESTED', 'FALSE_ALARM'] as const;

export const outcomeSchema = z.object({
  alertId: z.string().min(1),
  customerId: z.string().min(1),
  /** The alert's kind: "not interested" suppresses it for the customer, and precision is counted per kind. */
  kind: z.enum(alertKinds),
  outcome: z.enum(outcomeKinds),
  rmId: z.string().min(1).nullable(),
  /** When the RM recorded it: UTC millis. */
  recordedAt: z.number().int().nonnegative(),
});

export type Outcome = z.infer<typeof outcomeSchema>;
export type OutcomeKind = (typeof outcomeKinds)[number];
