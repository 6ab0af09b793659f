import { createHash } from 'node:crypto';
import { churnFeatureNames } from '../core/churn-features.ts';
import type { ChurnFeatureName } from '../core/churn-features.ts';
import { binOf, pointsOf, scorecardSchema } from '../core/scorecard.ts';
import type { BinnedFeature, Scorecard } from '../core/scorecard.ts';
import { isoDateOf } from '../core/calendar.ts';
import type { BinningOptions } from './binning.ts';
import { defaultBinning, edgesFor } from './binning.ts';
import type { Sample } from './history.ts';
import { fitLogistic } from './logistic.ts';
import type { OutcomeDefinition } from './outcome.ts';

export const SCORECARD_FORMAT = 'tidewatch.churn-scorecard/1';

export interface FitOptions {
  binning: BinningOptions;
  /** L2 penalty on every bin's points (not the intercept). */
  lambda: number;
  /** The lowest score whose precision among fit samples reaches this becomes alertFromScore. */
  targetPrecision: number;
  /** clearBelowScore as a share of alertFromScore. */
  clearShare: number;
}

export const defaultFit: FitOptions = { binning: defaultBinning, lambda: 10, targetPrecision: 0.5, clearShare: 0.6 };

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/** Bins per feature (edges), then the one-hot column of a sample's value: each feature's bins, then its missing bin. */
interface Layout {
  edges: number[][];
  offsets: number[];
  columns: number;
}

function layoutOf(samples: readonly Sample[], binning: BinningOptions): Layout {
  const edges = churnFeatureNames.map((name, feature) => edgesFor(name, samples.map((sample) => sample.values[feature]!), binning));
  const offsets: number[] = [];
  let columns = 0;
  for (const featureEdges of edges) {
    offsets.push(columns);
    columns += featureEdges.length + 2;
  }
  return { edges, offsets, columns };
}

function columnOf(layout: Layout, feature: number, value: number): number {
  const featureEdges = layout.edges[feature]!;
  return layout.offsets[feature]! + (Number.isNaN(value) ? featureEdges.length + 1 : binOf(featureEdges, value));
}

function medianOf(values: number[]): number | null {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((left, right) => left - right);
  return sorted.length === 0 ? null : sorted[Math.floor(sorted.length / 2)]!;
}

/** Bins and points of every feature and the intercept, fitted on the samples (no thresholds yet). */
export function fitPoints(samples: readonly Sample[], options: FitOptions): Pick<Scorecard, 'intercept' | 'features'> {
  const layout = layoutOf(samples, options.binning);
  const perRow = churnFeatureNames.length;
  const active = new Int32Array(samples.length * perRow);
  const labels = new Uint8Array(samples.length);
  samples.forEach((sample, row) => {
    labels[row] = sample.positive ? 1 : 0;
    for (let feature = 0; feature < perRow; feature += 1) active[row * perRow + feature] = columnOf(layout, feature, sample.values[feature]!);
  });
  const fit = fitLogistic({ columns: layout.columns, active, perRow, labels }, options.lambda);
  const negatives = samples.filter((sample) => !sample.positive);
  const features: BinnedFeature[] = churnFeatureNames.map((name: ChurnFeatureName, feature) => {
    const featureEdges = layout.edges[feature]!;
    const offset = layout.offsets[feature]!;
    const points = Array.from({ length: featureEdges.length + 1 }, (_, bin) => round4(fit.weights[offset + bin]!));
    const middle = medianOf(negatives.map((sample) => sample.values[feature]!));
    return {
      name,
      edges: featureEdges,
      points,
      missingPoints: round4(fit.weights[offset + featureEdges.length + 1]!),
      normalBin: middle === null ? 0 : binOf(featureEdges, middle),
    };
  });
  return { intercept: round4(fit.intercept), features };
}

/** The score the service gives (scoreWith): the intercept plus each feature's bin points, as a chance in percent. */
export function scoreOf(card: Pick<Scorecard, 'intercept' | 'features'>, values: Float64Array): number {
  let logit = card.intercept;
  card.features.forEach((feature) => {
    const value = values[churnFeatureNames.indexOf(feature.name)]!;
    logit += pointsOf(feature, Number.isNaN(value) ? null : value);
  });
  return Math.round(100 / (1 + Math.exp(-logit)));
}

export interface SliceFigures {
  samples: number;
  positives: number;
  auc: number | null;
  precisionAtAlert: number | null;
  recallAtAlert: number | null;
}

/** Area under the ROC curve: the chance a positive scores above a negative, ties counting half (mid-ranks). */
export function aucOf(scores: readonly number[], positive: readonly boolean[]): number | null {
  const order = scores.map((_, index) => index).sort((left, right) => scores[left]! - scores[right]!);
  const positives = positive.filter(Boolean).length;
  const negatives = positive.length - positives;
  if (positives === 0 || negatives === 0) return null;
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end += 1;
    const midRank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index += 1) if (positive[order[index]!]) rankSum += midRank;
    start = end + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function figuresAt(scores: readonly number[], positive: readonly boolean[], alertFromScore: number): SliceFigures {
  let flagged = 0;
  let caught = 0;
  const positives = positive.filter(Boolean).length;
  scores.forEach((score, index) => {
    if (score < alertFromScore) return;
    flagged += 1;
    if (positive[index]) caught += 1;
  });
  return {
    samples: scores.length,
    positives,
    auc: aucOf(scores, positive),
    precisionAtAlert: flagged === 0 ? null : caught / flagged,
    recallAtAlert: positives === 0 ? null : caught / positives,
  };
}

/** A threshold chosen for its precision must still catch this share of the fit's ends. */
const MIN_RECALL = 0.1;

/**
 * alertFromScore: the lowest score whose precision among the fit samples at or above it reaches the target (while
 * catching at least a tenth of the ends); when no score does, the one that maximises F1 (and the caller says so).
 */
export function chooseAlertScore(scores: readonly number[], positive: readonly boolean[], targetPrecision: number): { score: number; rule: 'precision' | 'f1' } {
  const atScore = new Array<number>(101).fill(0);
  const positivesAt = new Array<number>(101).fill(0);
  scores.forEach((score, index) => {
    atScore[score] = atScore[score]! + 1;
    if (positive[index]) positivesAt[score] = positivesAt[score]! + 1;
  });
  const totalPositives = positivesAt.reduce((sum, value) => sum + value, 0);
  let flagged = 0;
  let caught = 0;
  let bestF1 = -1;
  let bestF1Score = 100;
  let lowestPrecise: number | null = null;
  for (let score = 100; score >= 1; score -= 1) {
    flagged += atScore[score]!;
    caught += positivesAt[score]!;
    // a threshold between two scores samples hold flags the same as the next one up
    if (atScore[score] === 0) continue;
    const precision = caught / flagged;
    const recall = totalPositives === 0 ? 0 : caught / totalPositives;
    // a precision reached by a handful of top samples is no threshold: it must also announce a tenth of the ends
    if (precision >= targetPrecision && recall >= MIN_RECALL) lowestPrecise = score;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    if (f1 > bestF1) {
      bestF1 = f1;
      bestF1Score = score;
    }
  }
  return lowestPrecise === null ? { score: bestF1Score, rule: 'f1' } : { score: lowestPrecise, rule: 'precision' };
}

export interface SliceDescription {
  source: string;
  fromDay: number;
  toDay: number;
}

export interface TrainedScorecard {
  card: Scorecard;
  thresholdRule: 'precision' | 'f1';
  fit: SliceFigures;
}

/** A complete, validated scorecard: fitted on `fit`, thresholds chosen on it, judged on `holdout`. */
export function trainScorecard(
  fitSamples: readonly Sample[],
  holdoutSamples: readonly Sample[],
  slices: { fit: SliceDescription; holdout: SliceDescription },
  horizonDays: number,
  outcome: OutcomeDefinition,
  options: FitOptions,
): TrainedScorecard {
  const points = fitPoints(fitSamples, options);
  const fitScores = fitSamples.map((sample) => scoreOf(points, sample.values));
  const fitPositive = fitSamples.map((sample) => sample.positive);
  const chosen = chooseAlertScore(fitScores, fitPositive, options.targetPrecision);
  const holdoutFigures = figuresAt(
    holdoutSamples.map((sample) => scoreOf(points, sample.values)),
    holdoutSamples.map((sample) => sample.positive),
    chosen.score,
  );
  const round = (value: number | null) => (value === null ? null : round4(value));
  const body = {
    format: SCORECARD_FORMAT,
    version: '',
    // no wall clock: the same history gives the same bytes, so the date is that of the history's last day
    createdAt: `${isoDateOf(Math.max(slices.fit.toDay, slices.holdout.toDay))}T00:00:00.000Z`,
    horizonDays,
    outcome: { ...outcome },
    trainedOn: { source: slices.fit.source, fromDay: isoDateOf(slices.fit.fromDay), toDay: isoDateOf(slices.fit.toDay), samples: fitSamples.length, positives: fitPositive.filter(Boolean).length },
    holdout: {
      source: slices.holdout.source,
      fromDay: isoDateOf(slices.holdout.fromDay),
      toDay: isoDateOf(slices.holdout.toDay),
      samples: holdoutFigures.samples,
      positives: holdoutFigures.positives,
      auc: round(holdoutFigures.auc),
      precisionAtAlert: round(holdoutFigures.precisionAtAlert),
      recallAtAlert: round(holdoutFigures.recallAtAlert),
    },
    ...points,
    alertFromScore: chosen.score,
    clearBelowScore: Math.floor(chosen.score * options.clearShare),
  };
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 10);
  const card = scorecardSchema.parse({ ...body, version: `fit-${body.trainedOn.toDay}-${digest}` });
  return { card, thresholdRule: chosen.rule, fit: figuresAt(fitScores, fitPositive, chosen.score) };
}
