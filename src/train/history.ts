import { churnFeatureNames } from '../core/churn-features.ts';
import type { ChurnFeatureVector, ChurnObservation } from '../core/churn-features.ts';
import type { CoreContext } from '../core/processor.ts';
import type { BankSource } from '../backtest/bank-source.ts';
import { simulate } from '../backtest/simulation.ts';
import type { Simulation } from '../backtest/simulation.ts';
import { CustomerLedger, relationshipEnd, sampleOutcome } from './outcome.ts';
import type { EndReason, OutcomeDefinition, RelationshipEnd } from './outcome.ts';

/** A customer-day the trainer learns from: the feature vector the core computed that day, and what followed. */
export interface Sample {
  /** Which bank of the history (0-based, in the order given). */
  bank: number;
  customerId: string;
  day: number;
  /** The features in churnFeatureNames order; NaN where the core had none (null). */
  values: Float64Array;
  /** The relationship ended within the horizon after the day. */
  positive: boolean;
}

export interface ReplayedBank {
  description: string;
  /** First and last day of the data (business days). */
  firstDay: number;
  lastDay: number;
  samples: Sample[];
  customers: number;
  /** Customers whose relationship ended in the data, by how. */
  ends: Record<EndReason, number>;
  /** Customer-days seen by the sampler, and those dropped (after the end, or too close to the data's end to know). */
  sampled: number;
  censored: number;
  /** The replay itself, for a caller that also judges its alerts. */
  simulation: Simulation;
}

export interface HistoryRequest {
  source: BankSource;
  core: CoreContext;
  bank: number;
  horizonDays: number;
  outcome: OutcomeDefinition;
  /** A customer is sampled at most once per this many days (neighbouring days say nearly the same). */
  everyDays: number;
  onProgress?: (events: number) => void;
}

export const valuesOf = (vector: ChurnFeatureVector): Float64Array => Float64Array.from(churnFeatureNames, (name) => vector[name] ?? Number.NaN);

/**
 * Replays a bank through the real core in memory, sampling each customer's churn features (as the service computes
 * them at a day close) at most once every `everyDays`, then labels each sample from the customer's own later postings.
 */
export async function replayHistory(request: HistoryRequest): Promise<ReplayedBank> {
  const { core } = request;
  const lastSampled = new Map<string, number>();
  const raw: { customerId: string; day: number; values: Float64Array }[] = [];
  const observeChurn = (observation: ChurnObservation) => {
    const last = lastSampled.get(observation.customerId);
    if (last !== undefined && observation.day - last < request.everyDays) return;
    lastSampled.set(observation.customerId, observation.day);
    raw.push({ customerId: observation.customerId, day: observation.day, values: valuesOf(observation.vector) });
  };
  const ledgers = new Map<string, CustomerLedger>();
  let firstDay = Number.POSITIVE_INFINITY;
  let lastPostingDay = Number.NEGATIVE_INFINITY;
  const simulation = await simulate({
    source: request.source,
    core: { ...core, observeChurn },
    onProgress: request.onProgress,
    onTransaction: (transaction) => {
      const day = core.calendar.dayOf(transaction.eventTime);
      firstDay = Math.min(firstDay, day);
      lastPostingDay = Math.max(lastPostingDay, day);
      let ledger = ledgers.get(transaction.customerId);
      if (ledger === undefined) {
        ledger = new CustomerLedger();
        ledgers.set(transaction.customerId, ledger);
      }
      ledger.add(transaction, day);
    },
  });
  const endedAt = simulation.summary.endedAt;
  const lastDay = Math.max(lastPostingDay, endedAt === null ? lastPostingDay : core.calendar.dayOf(Date.parse(endedAt)));
  const endOf = new Map<string, RelationshipEnd | null>();
  const ends: Record<EndReason, number> = { money_gone: 0, inactive: 0 };
  for (const [customerId, ledger] of ledgers) {
    const history = ledger.history(lastDay);
    const end = history === null ? null : relationshipEnd(history, request.outcome);
    endOf.set(customerId, end);
    if (end !== null) ends[end.reason] += 1;
  }
  const samples: Sample[] = [];
  let censored = 0;
  for (const { customerId, day, values } of raw) {
    const outcome = sampleOutcome(day, endOf.get(customerId) ?? null, lastDay, request.horizonDays, request.outcome);
    if (outcome === 'positive' || outcome === 'negative') samples.push({ bank: request.bank, customerId, day, values, positive: outcome === 'positive' });
    else censored += 1;
  }
  return {
    description: simulation.description,
    firstDay: Number.isFinite(firstDay) ? firstDay : 0,
    lastDay: Number.isFinite(lastDay) ? lastDay : 0,
    samples,
    customers: simulation.customers,
    ends,
    sampled: raw.length,
    censored,
    simulation,
  };
}
