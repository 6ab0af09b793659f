import { z } from 'zod';

/** Mirrors avro/CustomerProfile.avsc: the bank's reference data for one customer (compacted topic, keyed by customerId). */
export const riskAppetites = ['LOW', 'MEDIUM', 'HIGH', 'UNKNOWN'] as const;
export const customerStatuses = ['ACTIVE', 'DORMANT', 'CLOSED'] as const;
export const rmStatuses = ['ACTIVE', 'DEPARTED'] as const;

export const customerProfileSchema = z.object({
  customerId: z.string().min(1),
  /** The customer's relationship manager; null while unassigned (alerts then go to the unassigned queue). */
  rmId: z.string().min(1).nullable(),
  branchId: z.string().min(1),
  householdId: z.string().min(1).nullable(),
  /** The tier the bank currently serves the customer at (a tier name of the rules file, e.g. GOLD). */
  servedTier: z.string().min(1),
  riskAppetite: z.enum(riskAppetites),
  marketingConsent: z.boolean(),
  /** Relationship start as a calendar date: days since 1970-01-01 (Avro `date`), in the bank's time zone. */
  relationshipStartDay: z.number().int().nullable(),
  status: z.enum(customerStatuses),
  /** When the bank changed this record: milliseconds since the Unix epoch, UTC. */
  updatedAt: z.number().int().nonnegative(),
  /** DEPARTED when the customer's RM has left the bank (the customer's book goes on watch until reassigned). */
  rmStatus: z.enum(rmStatuses).default('ACTIVE'),
});

export type CustomerProfile = z.infer<typeof customerProfileSchema>;
