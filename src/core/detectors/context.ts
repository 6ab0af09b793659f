import type { CounterpartyKind } from '../../domain/transaction.ts';
import type { ChurnObservation } from '../churn-features.ts';
import type { Rules } from '../rules.ts';

export interface DetectionContext {
  rules: Rules;
  /** The tier the bank serves the customer at (profile), null when unknown: default thresholds apply. */
  tier: string | null;
  /** Outflow thresholds are multiplied by this (basis points; 10000 = as configured; lower while on watch). */
  thresholdFactorBp?: number;
  /** Sees every churn assessment of a day close (tidewatch train samples them); no effect on the outcome. */
  observer?: (observation: ChurnObservation) => void;
}

/** A money threshold as it applies to this customer now (lowered while the customer is on watch after an RM change). */
export function scaled(context: DetectionContext, threshold: number): number {
  const factor = context.thresholdFactorBp ?? 10_000;
  return factor === 10_000 ? threshold : Math.round((threshold * factor) / 10_000);
}

export const isTopTier = (context: DetectionContext) => context.tier !== null && context.rules.priority.topTiers.includes(context.tier);

export const isCompetitor = (context: DetectionContext, kind: CounterpartyKind) => context.rules.competitorKinds.includes(kind);

const destinations: Record<CounterpartyKind, string> = {
  OTHER_BANK: 'to another bank',
  INVESTMENT_PLATFORM: 'to a broker, fund company or internet-finance platform',
  CASH: 'in cash',
  SAME_BANK_CUSTOMER: 'to another customer of the bank',
  OWN_ACCOUNT: 'to the customer’s own account',
  NONE: 'in payments',
};

const origins: Record<CounterpartyKind, string> = {
  OTHER_BANK: 'from another bank',
  INVESTMENT_PLATFORM: 'from a broker, fund company or internet-finance platform',
  CASH: 'in cash',
  SAME_BANK_CUSTOMER: 'from another customer of the bank',
  OWN_ACCOUNT: 'from the customer’s own account',
  NONE: '',
};

export const destinationOf = (kind: CounterpartyKind) => destinations[kind];
export const originOf = (kind: CounterpartyKind) => origins[kind];

/** "other banks and investment platforms" for a list of kinds, for window sums. */
export function kindsPhrase(kinds: readonly CounterpartyKind[]): string {
  const names: Record<CounterpartyKind, string> = {
    OTHER_BANK: 'other banks',
    INVESTMENT_PLATFORM: 'investment platforms',
    CASH: 'cash',
    SAME_BANK_CUSTOMER: 'other customers of the bank',
    OWN_ACCOUNT: 'own accounts',
    NONE: 'payments',
  };
  const parts = kinds.map((kind) => names[kind]);
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
