import { z } from 'zod';
import { counterpartyKinds } from './transaction.ts';

/** Mirrors avro/Alert.avsc: what an RM queue and the risk feed carry. */
/**
 * LEAKAGE: an outflow to a competitor below the alert thresholds, for the risk feed only. New kinds are appended
 * (Avro enum order is part of the schema's evolution).
 */
export const alertKinds = [
  'LARGE_OUTFLOW',
  'CUMULATIVE_OUTFLOW',
  'LEAKAGE',
  'LARGE_INFLOW',
  'CUMULATIVE_INFLOW',
  'DORMANCY',
  'UPGRADE_ELIGIBLE',
  'DOWNGRADE_RISK',
  'CHURN_RISK',
  'IDLE_FUNDS',
  'MATURITY',
  'RM_HANDOVER',
] as const;
export const priorities = ['URGENT', 'HIGH', 'MEDIUM', 'LOW'] as const;
/** Every evidence value is an exact integer in one of these units (money never travels as a float). */
export const evidenceUnits = ['MINOR_UNITS', 'BASIS_POINTS', 'COUNT', 'DAYS', 'SCORE'] as const;

export const evidenceSchema = z.object({
  metric: z.string().min(1),
  unit: z.enum(evidenceUnits),
  value: z.number().int(),
  threshold: z.number().int().nullable(),
  /** The customer's own usual level of this metric, where there is one. */
  baseline: z.number().int().nullable(),
});

export const alertSchema = z.object({
  /** Deterministic: the same cause always yields the same id (hash of customer, kind and cause). */
  alertId: z.string().min(1),
  kind: z.enum(alertKinds),
  priority: z.enum(priorities),
  customerId: z.string().min(1),
  /** The customer's RM, or null when none is known. */
  rmId: z.string().min(1).nullable(),
  /** The RM queue the alert was routed to: rmId, or the configured unassigned queue. It is the record key. */
  queue: z.string().min(1),
  branchId: z.string().min(1).nullable(),
  tier: z.string().min(1).nullable(),
  /** One line an RM reads first. */
  reason: z.string().min(1),
  suggestedAction: z.string().min(1),
  evidence: z.array(evidenceSchema),
  currency: z.string().regex(/^[A-Z]{3}$/),
  amountAtStakeMinor: z.number().int(),
  /** Where the money went or came from, for transaction-driven alerts. */
  counterpartyKind: z.enum(counterpartyKinds).nullable(),
  /** True when money left for another bank or an investment platform. */
  toCompetitor: z.boolean(),
  causeTransactionId: z.string().min(1).nullable(),
  rulesVersion: z.string().min(1),
  /** When the cause happened (event time; for dormancy, when the silence reached the stage). UTC millis. */
  eventTime: z.number().int(),
  /** When tidewatch detected it (processing time, UTC millis); a re-emission of the same alert keeps it. */
  detectedAt: z.number().int(),
});

export type Evidence = z.infer<typeof evidenceSchema>;
export type Alert = z.infer<typeof alertSchema>;
export type AlertKind = (typeof alertKinds)[number];
export type Priority = (typeof priorities)[number];
