import { z } from 'zod';
import { churnFeatureNames } from './churn-features.ts';
import type { ChurnFeatureName, ChurnFeatureVector } from './churn-features.ts';

/**
 * A churn scorecard, the banking convention: every feature is cut into bins, each bin adds points (log-odds) to an
 * intercept, and the score is the chance, in percent, that the relationship ends within `horizonDays`. Fitted by
 * `tidewatch train` on a bank's own replayed history (src/train/); the rules name the file, the service and the
 * replay load it, validated here.
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const count = z.number().int().nonnegative();
const score = z.number().int().min(0).max(100);

const binnedFeature = z
  .object({
    name: z.enum(churnFeatureNames),
    /** Ascending cut points: n edges make n + 1 bins; a value equal to an edge falls in the bin above it. */
    edges: z.array(z.number()).max(30),
    /** Log-odds points per bin, one more than edges. */
    points: z.array(z.number()),
    /** Points when the feature cannot be measured (no baseline yet). */
    missingPoints: z.number(),
    /** The bin of a customer behaving as usual: reasons name how far a customer's bin moved the score from it. */
    normalBin: z.number().int().nonnegative(),
  })
  .strict()
  .superRefine((feature, context) => {
    if (feature.points.length !== feature.edges.length + 1) context.addIssue({ code: 'custom', path: ['points'], message: 'needs one more entry than edges' });
    if (feature.edges.some((edge, index) => index > 0 && edge <= feature.edges[index - 1]!)) context.addIssue({ code: 'custom', path: ['edges'], message: 'must ascend strictly' });
    if (feature.normalBin > feature.edges.length) context.addIssue({ code: 'custom', path: ['normalBin'], message: 'no such bin' });
  });

const slice = z
  .object({
    /** Where the history came from (a bank's replayed topics, generated banks and their seeds). */
    source: z.string().min(1),
    fromDay: isoDate,
    toDay: isoDate,
    /** Customer-days sampled, and how many of them were followed by the end of the relationship within the horizon. */
    samples: count,
    positives: count,
  })
  .strict();

export const scorecardSchema = z
  .object({
    format: z.literal('tidewatch.churn-scorecard/1'),
    version: z.string().min(1),
    createdAt: z.string().min(1),
    /** The score is the chance (percent) that the relationship ends within this many days. */
    horizonDays: z.number().int().min(1).max(730),
    /** How the outcome was derived from what happened later (README, "The end of a relationship"). */
    outcome: z
      .object({
        /** Money gone: the close stays below this share of the customer's own 90-day average... */
        moneyGoneShareBp: z.number().int().min(0).max(10_000),
        /** ...for this many days. */
        moneyGoneDays: z.number().int().min(1),
        /** Activity stopped: no customer-initiated transaction for this many days. */
        inactiveDays: z.number().int().min(1),
      })
      .strict(),
    trainedOn: slice,
    /** A later time slice (or other banks) than the fit: the figures a bank checks before switching. */
    holdout: slice.extend({
      /** Area under the ROC curve of the score on the holdout samples. */
      auc: z.number().min(0).max(1).nullable(),
      /** Share of holdout samples at or above alertFromScore that were followed by an end (precision), and of ends caught (recall). */
      precisionAtAlert: z.number().min(0).max(1).nullable(),
      recallAtAlert: z.number().min(0).max(1).nullable(),
    }),
    intercept: z.number(),
    features: z.array(binnedFeature).min(1),
    /** The score from which an RM hears of a churn risk, and below which an open episode closes. */
    alertFromScore: score,
    clearBelowScore: score,
  })
  .strict()
  .superRefine((card, context) => {
    const names = card.features.map((feature) => feature.name);
    if (new Set(names).size !== names.length) context.addIssue({ code: 'custom', path: ['features'], message: 'a feature is listed twice' });
    if (card.clearBelowScore > card.alertFromScore) context.addIssue({ code: 'custom', path: ['clearBelowScore'], message: 'must not exceed alertFromScore (hysteresis)' });
  });

export type Scorecard = z.infer<typeof scorecardSchema>;
export type BinnedFeature = Scorecard['features'][number];

/** What one feature did to a customer's score: its bin's points against those of the usual bin. */
export interface Contribution {
  name: ChurnFeatureName;
  value: number | null;
  /** Log-odds added relative to a customer behaving as usual (positive: riskier). */
  points: number;
}

export interface ScoreResult {
  /** 0-100: the chance in percent that the relationship ends within the scorecard's horizon. */
  score: number;
  /** Every feature's contribution, largest first. */
  contributions: Contribution[];
}

/** The bin a value falls in: the number of edges at or below it. */
export function binOf(edges: readonly number[], value: number): number {
  let bin = 0;
  while (bin < edges.length && value >= edges[bin]!) bin += 1;
  return bin;
}

export function pointsOf(feature: BinnedFeature, value: number | null): number {
  return value === null ? feature.missingPoints : feature.points[binOf(feature.edges, value)]!;
}

/** Each feature name's place in localeCompare order, per scorecard: ties are broken by it at every score without a locale comparison. */
const nameRanks = new WeakMap<Scorecard, Map<string, number>>();

function nameRanksOf(card: Scorecard): Map<string, number> {
  let ranks = nameRanks.get(card);
  if (ranks === undefined) {
    const names = card.features.map((feature) => feature.name).sort((left, right) => left.localeCompare(right));
    ranks = new Map(names.map((name, index) => [name, index]));
    nameRanks.set(card, ranks);
  }
  return ranks;
}

export function scoreWith(card: Scorecard, vector: ChurnFeatureVector): ScoreResult {
  const contributions: Contribution[] = [];
  for (const feature of card.features) {
    const value = vector[feature.name];
    contributions.push({ name: feature.name, value, points: pointsOf(feature, value) - feature.points[feature.normalBin]! });
  }
  const rank = nameRanksOf(card);
  contributions.sort((left, right) => right.points - left.points || rank.get(left.name)! - rank.get(right.name)!);
  return { score: scoreOf(card, vector), contributions };
}

/**
 * scoreWith's score alone: a day close needs the contributions (made, then sorted) only when it tells the RM, and
 * making them at every close of every customer cost more than the score.
 */
export function scoreOf(card: Scorecard, vector: ChurnFeatureVector): number {
  let logit = card.intercept;
  for (const feature of card.features) logit += pointsOf(feature, vector[feature.name]);
  return Math.round(100 / (1 + Math.exp(-logit)));
}

export class ScorecardError extends Error {
  override readonly name = 'ScorecardError';
}

/** Parses a scorecard file's text; errors name the bad key. */
export function parseScorecard(text: string, source = 'scorecard'): Scorecard {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScorecardError(`${source}: not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = scorecardSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ScorecardError(`${source}: invalid scorecard:\n  ${problems.join('\n  ')}`);
}
