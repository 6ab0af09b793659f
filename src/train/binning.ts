import { binOf } from '../core/scorecard.ts';

export interface BinningOptions {
  /** Quantile bins aimed at (fewer when values tie). */
  bins: number;
  /** A bin with fewer fit samples than this is merged into its smaller neighbour. */
  minSamples: number;
}

export const defaultBinning: BinningOptions = { bins: 7, minSamples: 200 };

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
  for (;;) {
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const value of sorted) counts[binOf(edges, value)]! += 1;
    let smallest = -1;
    counts.forEach((count, bin) => {
      if (count < options.minSamples && (smallest < 0 || count < counts[smallest]!)) smallest = bin;
    });
    if (smallest < 0 || edges.length === 0) return edges;
    // merge with the smaller neighbour: drop the edge between them
    const left = smallest > 0 ? counts[smallest - 1]! : Number.POSITIVE_INFINITY;
    const right = smallest < edges.length ? counts[smallest + 1]! : Number.POSITIVE_INFINITY;
    edges.splice(left <= right ? smallest - 1 : smallest, 1);
  }
}
