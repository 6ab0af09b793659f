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

/**
 * 5 for values at or beyond the first cut, 1 for values short of the last (cuts in the scoring direction). A loop:
 * a findIndex callback was a closure made per score, three per day close.
 */
function scoreOf(value: number, cuts: readonly number[], lowerIsBetter: boolean): number {
  for (let index = 0; index < cuts.length; index += 1) {
    if (lowerIsBetter ? value <= cuts[index]! : value >= cuts[index]!) return 5 - index;
  }
  return 1;
}

/**
 * The segments by (valuable, recent, frequent) as bits 4, 2, 1: the same strings every time, where a template made a
 * new string at every day close that was then compared with the state's.
 */
const SEGMENTS: readonly RfmSegment[] = [
  'GENERAL_WIN_BACK',
  'GENERAL_RETAIN',
  'GENERAL_DEVELOP',
  'GENERAL_VALUE',
  'IMPORTANT_WIN_BACK',
  'IMPORTANT_RETAIN',
  'IMPORTANT_DEVELOP',
  'IMPORTANT_VALUE',
];

export function segmentOf(recent: boolean, frequent: boolean, valuable: boolean): RfmSegment {
  return SEGMENTS[(valuable ? 4 : 0) + (recent ? 2 : 0) + (frequent ? 1 : 0)]!;
}

const recencyDaysOf = (features: CustomerFeatures, lastActivityDay: number | null): number =>
  lastActivityDay === null ? Number.POSITIVE_INFINITY : Math.max(0, features.asOfDay - lastActivityDay);

/** The customer's RFM as of the features' day; recency from `lastActivityDay` (null: never active). */
export function rfmOf(features: CustomerFeatures, lastActivityDay: number | null, rules: Rules): Rfm {
  const cuts = rules.rfm;
  const recencyDays = recencyDaysOf(features, lastActivityDay);
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

/** rfmOf's segment alone (a day close keeps only the segment: no Rfm object per close). */
export function rfmSegmentOf(features: CustomerFeatures, lastActivityDay: number | null, rules: Rules): RfmSegment {
  const cuts = rules.rfm;
  const { highScore } = cuts;
  const recent = scoreOf(recencyDaysOf(features, lastActivityDay), cuts.recencyDays, true) >= highScore;
  const frequent = scoreOf(features.customerTransactions(90), cuts.frequency90Days, false) >= highScore;
  const valuable = scoreOf(features.averageDailyBalance(30), cuts.monetaryMinor, false) >= highScore;
  return segmentOf(recent, frequent, valuable);
}
