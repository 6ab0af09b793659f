import type { CustomerFeatures } from './features.ts';
import type { Rules } from './rules.ts';

/**
 * RFM, kept live: recency (days since the last customer-initiated transaction), frequency (customer-initiated
 * transactions over 90 days), monetary (30-day average balance), each scored 1-5 against the rules' cut points,
 * read in the common eight segments: R, F and M high or low, monetary deciding "important" or "general".
 */
export const rfmSegments = [
  'IMPORTANT_VALUE',
  'IMPORTANT_DEVELOP',
  'IMPORTANT_RETAIN',
  'IMPORTANT_WIN_BACK',
  'GENERAL_VALUE',
  'GENERAL_DEVELOP',
  'GENERAL_RETAIN',
  'GENERAL_WIN_BACK',
] as const;
export type RfmSegment = (typeof rfmSegments)[number];

export interface Rfm {
  recencyDays: number;
  frequency: number;
  monetaryMinor: number;
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
  segment: RfmSegment;
}

/** Segments a customer slides into from IMPORTANT_VALUE that are a churn warning (the sources' reading). */
export const slideTargets: readonly RfmSegment[] = ['IMPORTANT_RETAIN', 'IMPORTANT_WIN_BACK'];

/** 5 for values at or beyond the first cut, 1 for values short of the last (cuts in the scoring direction). */
function scoreOf(value: number, cuts: readonly number[], lowerIsBetter: boolean): number {
  const reached = cuts.findIndex((cut) => (lowerIsBetter ? value <= cut : value >= cut));
  return reached === -1 ? 1 : 5 - reached;
}

export function segmentOf(recent: boolean, frequent: boolean, valuable: boolean): RfmSegment {
  const prefix = valuable ? 'IMPORTANT' : 'GENERAL';
  if (recent) return `${prefix}_${frequent ? 'VALUE' : 'DEVELOP'}`;
  return `${prefix}_${frequent ? 'RETAIN' : 'WIN_BACK'}`;
}

/** The customer's RFM as of the features' day; recency from `lastActivityDay` (null: never active). */
export function rfmOf(features: CustomerFeatures, lastActivityDay: number | null, rules: Rules): Rfm {
  const cuts = rules.rfm;
  const recencyDays = lastActivityDay === null ? Number.POSITIVE_INFINITY : Math.max(0, features.asOfDay - lastActivityDay);
  const frequency = features.customerTransactions(90);
  const monetaryMinor = features.averageDailyBalance(30);
  const recencyScore = scoreOf(recencyDays, cuts.recencyDays, true);
  const frequencyScore = scoreOf(frequency, cuts.frequency90Days, false);
  const monetaryScore = scoreOf(monetaryMinor, cuts.monetaryMinor, false);
  const { highScore } = cuts;
  return {
    recencyDays,
    frequency,
    monetaryMinor,
    recencyScore,
    frequencyScore,
    monetaryScore,
    segment: segmentOf(recencyScore >= highScore, frequencyScore >= highScore, monetaryScore >= highScore),
  };
}
