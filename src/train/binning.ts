import type { ChurnFeatureName } from '../core/churn-features.ts';
import { binOf } from '../core/scorecard.ts';

export interface BinningOptions {
  /** Quantile bins aimed at (fewer when values tie), for a feature without coarse classes. */
  bins: number;
  /** A bin with fewer fit samples than this is merged into its smaller neighbour. */
  minSamples: number;
  /**
   * Coarse classes per feature (the banking convention): cut points chosen for what they mean (an income a month
   * late, activity a fifth of the usual), so the rare tails that decide churn keep bins of their own instead of
   * drowning in quantiles of the steady majority.
   */
  classes?: Partial<Record<ChurnFeatureName, readonly number[]>>;
}

/**
 * The shipped coarse classes: where a customer stops behaving as usual, per feature (the same cut points as the
 * hand-set prior of rules/scorecards/, which the fit then gives points from the bank's own history).
 */
export const coarseClasses: Record<ChurnFeatureName, readonly number[]> = {
  closeVsNormal: [0.1, 0.3, 0.6, 0.85, 1.2],
  fallBelowUsualLow: [0.2, 0.4, 0.6, 0.8],
  competitorOutflowShare: [0.05, 0.2, 0.5, 1],
  competitorOutflowVsUsual: [1.5, 3, 6],
  competitorTransfersAboveUsual: [1, 2, 3],
  largestOutflowShare: [0.3, 0.6, 0.85],
  netFlowShare: [-0.6, -0.3, -0.1, 0.1],
  inflowVsUsual: [0.2, 0.5, 0.8],
  activityVsUsual: [0.2, 0.5, 0.8],
  spendVsUsual: [0.2, 0.5, 0.8],
  incomeOverdue: [1.4, 2, 3],
  silenceVsUsual: [3, 6, 12],
  drainToCompetitors: [0.1, 0.2, 0.3],
  competitorMonthsAboveBefore: [1, 2, 3],
  competitorTurnover: [0.25, 0.5, 1],
  competitorOutflowVsLargestMonth: [1, 2, 3],
};

export const defaultBinning: BinningOptions = { bins: 7, minSamples: 40, classes: coarseClasses };

/** A feature's cut points: its coarse classes when given, else quantiles; sparse bins merged either way. */
export function edgesFor(name: ChurnFeatureName, values: readonly number[], options: BinningOptions): number[] {
  const classes = options.classes?.[name];
  if (classes === undefined) return quantileEdges(values, options);
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((left, right) => left - right);
  return mergeSparse([...classes], sorted, options.minSamples);
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * Cut points of one feature from its measured (non-NaN) fit values: quantiles, then bins with too few samples merged
 * into their smaller neighbour until none is left. Edges ascend strictly; a value equal to an edge falls above it.
 */
export function quantileEdges(values: readonly number[], options: BinningOptions): number[] {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((left, right) => left - right);
  if (sorted.length === 0) return [];
  const edges: number[] = [];
  for (let bin = 1; bin < options.bins; bin += 1) {
    const edge = round4(sorted[Math.floor((bin * sorted.length) / options.bins)]!);
    // an edge at the minimum would leave the first bin empty
    if (edge > sorted[0]! && (edges.length === 0 || edge > edges[edges.length - 1]!)) edges.push(edge);
  }
  return mergeSparse(edges, sorted, options.minSamples);
}

/** Drops the edge beside the sparsest bin (toward its smaller neighbour) until every bin holds minSamples. */
function mergeSparse(edges: number[], sorted: readonly number[], minSamples: number): number[] {
  for (;;) {
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const value of sorted) counts[binOf(edges, value)]! += 1;
    let smallest = -1;
    counts.forEach((count, bin) => {
      if (count < minSamples && (smallest < 0 || count < counts[smallest]!)) smallest = bin;
    });
    if (smallest < 0 || edges.length === 0) return edges;
    // merge with the smaller neighbour: drop the edge between them
    const left = smallest > 0 ? counts[smallest - 1]! : Number.POSITIVE_INFINITY;
    const right = smallest < edges.length ? counts[smallest + 1]! : Number.POSITIVE_INFINITY;
    edges.splice(left <= right ? smallest - 1 : smallest, 1);
  }
}
