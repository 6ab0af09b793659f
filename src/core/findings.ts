import type { AlertKind, Evidence, Priority } from '../domain/alert.ts';
import type { CounterpartyKind } from '../domain/transaction.ts';
import type { Feed } from './state.ts';


/** What a detector found, before alert policy (ids, routing, cooldown, consent) turns it into records. */
export interface Finding {
  kind: AlertKind;
  priority: Priority;
  /** Identifies the cause: the same cause always yields the same alert id. */
  causeKey: string;
  reason: string;
  suggestedAction: string;
  evidence: Evidence[];
  amountAtStakeMinor: number;
  counterpartyKind: CounterpartyKind | null;
  toCompetitor: boolean;
  causeTransactionId: string | null;
  eventTime: number;
  feeds: readonly Feed[];
}

export const priorityRank: Record<Priority, number> = { LOW: 0, MEDIUM: 1, HIGH: 2, URGENT: 3 };

export function raise(priority: Priority): Priority {
  return priority === 'LOW' ? 'MEDIUM' : priority === 'MEDIUM' ? 'HIGH' : 'URGENT';
}

export const minorUnits = (metric: string, value: number, threshold: number | null = null, baseline: number | null = null): Evidence => ({
  metric,
  unit: 'MINOR_UNITS',
  value,
  threshold,
  baseline,
});

export const basisPoints = (metric: string, value: number, threshold: number | null = null, baseline: number | null = null): Evidence => ({
  metric,
  unit: 'BASIS_POINTS',
  value,
  threshold,
  baseline,
});

export const days = (metric: string, value: number, threshold: number | null = null): Evidence => ({
  metric,
  unit: 'DAYS',
  value,
  threshold,
  baseline: null,
});

export const count = (metric: string, value: number, baseline: number | null = null): Evidence => ({
  metric,
  unit: 'COUNT',
  value,
  threshold: null,
  baseline,
});
