import { describe, expect, it } from 'vitest';
import { churnFeatureNames } from '../../../src/core/churn-features.ts';
import { scoreWith, scorecardSchema } from '../../../src/core/scorecard.ts';
import { quantileEdges } from '../../../src/train/binning.ts';
import { aucOf, chooseAlertScore, defaultFit, scoreOf, trainScorecard } from '../../../src/train/fit.ts';
import type { Sample } from '../../../src/train/history.ts';
import { fitLogistic } from '../../../src/train/logistic.ts';
import { defaultOutcome } from '../../../src/train/outcome.ts';
import { scorecardText } from '../../../src/train/run.ts';

/** A deterministic pseudo-random stream (the tests must not depend on Math.random). */
function stream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Samples where a low closeVsNormal and a high incomeOverdue raise the chance of an end; the rest is noise. */
function samples(count: number, seed: number, bank = 0): Sample[] {
  const random = stream(seed);
  return Array.from({ length: count }, (_, index) => {
    const values = Float64Array.from(churnFeatureNames, () => random() * 2);
    const close = random() * 1.5;
    const overdue = random() < 0.2 ? Number.NaN : random() * 3;
    values[churnFeatureNames.indexOf('closeVsNormal')] = close;
    values[churnFeatureNames.indexOf('incomeOverdue')] = overdue;
    const logit = -3 + 3 * (close < 0.3 ? 1 : 0) + 2 * (overdue > 2 ? 1 : 0);
    return { bank, customerId: `C${index}`, day: 100 + (index % 50), values, positive: random() < 1 / (1 + Math.exp(-logit)) };
  });
}

const slices = { fit: { source: 'test fit', fromDay: 100, toDay: 149 }, holdout: { source: 'test holdout', fromDay: 100, toDay: 149 } };

describe('scorecard fit', () => {
  it('cuts quantile bins and merges a bin with too few samples into its smaller neighbour', () => {
    const values = [...Array.from({ length: 100 }, (_, index) => index), Number.NaN];
    expect(quantileEdges(values, { bins: 5, minSamples: 1 })).toEqual([20, 40, 60, 80]);
    expect(quantileEdges(values, { bins: 5, minSamples: 30 })).toEqual([40]); // 20s merged until every bin holds 30
    // ties: no empty bin at the minimum
    expect(quantileEdges([0, 0, 0, 0, 0, 0, 0, 1, 2, 3], { bins: 5, minSamples: 1 })).toEqual([2]);
  });

  it('recovers a known log-odds difference with IRLS', () => {
    const random = stream(3);
    const count = 20_000;
    const active = new Int32Array(count);
    const labels = new Uint8Array(count);
    for (let row = 0; row < count; row += 1) {
      active[row] = random() < 0.5 ? 0 : 1;
      labels[row] = random() < 1 / (1 + Math.exp(-(-2 + (active[row] === 1 ? 1.5 : 0)))) ? 1 : 0;
    }
    const fit = fitLogistic({ columns: 2, active, perRow: 1, labels }, 0.01);
    expect(fit.weights[1]! - fit.weights[0]!).toBeCloseTo(1.5, 0);
    expect(fit.iterations).toBeLessThan(50);
  });

  it('measures AUC with ties counting half', () => {
    expect(aucOf([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(aucOf([1, 1], [false, true])).toBe(0.5);
    expect(aucOf([1, 2], [true, true])).toBeNull();
  });

  it('chooses the lowest score with precision ≥ 50%, else the F1 maximiser', () => {
    expect(chooseAlertScore([5, 10, 20, 30, 40], [false, false, false, true, true], 0.5)).toEqual({ score: 10, rule: 'precision' });
    // one top sample right catches under a tenth of the ends: no precise threshold, F1 decides
    expect(chooseAlertScore([90, ...Array.from({ length: 40 }, () => 10)], [true, ...Array.from({ length: 40 }, (_, index) => index < 11)], 0.5)).toEqual({ score: 10, rule: 'f1' });
    expect(chooseAlertScore([10, 20, 30], [true, false, false], 0.5).rule).toBe('f1');
  });

  it('writes a valid scorecard that ranks the risky samples higher, scored as the service scores, the same bytes twice', { timeout: 60_000 }, () => {
    const fit = samples(6_000, 1);
    const holdout = samples(3_000, 2, 1);
    const trained = trainScorecard(fit, holdout, slices, 90, defaultOutcome, defaultFit);
    const card = scorecardSchema.parse(JSON.parse(scorecardText(trained.card)));
    expect(card.holdout.auc).toBeGreaterThan(0.7);
    expect(card.clearBelowScore).toBe(Math.floor(card.alertFromScore * 0.6));
    expect(card.trainedOn).toMatchObject({ samples: 6_000, positives: fit.filter((sample) => sample.positive).length });
    const close = card.features.find((feature) => feature.name === 'closeVsNormal')!;
    expect(close.points[0]!).toBeGreaterThan(close.points[close.points.length - 1]! + 1);
    // the normal bin holds the negatives' median
    expect(close.normalBin).toBeGreaterThan(0);
    const sample = holdout[0]!;
    const vector = Object.fromEntries(churnFeatureNames.map((name, index) => [name, Number.isNaN(sample.values[index]!) ? null : sample.values[index]!]));
    expect(scoreOf(card, sample.values)).toBe(scoreWith(card, vector as never).score);
    expect(scorecardText(trainScorecard(fit, holdout, slices, 90, defaultOutcome, defaultFit).card)).toBe(scorecardText(trained.card));
  });
});
