import { describe, expect, it } from 'vitest';
import { churnFeatureNames } from '../../../../src/core/churn-features.ts';
import type { ChurnFeatureVector } from '../../../../src/core/churn-features.ts';
import { scorecardOf } from '../../../../src/core/rules.ts';
import { ScorecardError, parseScorecard, scoreWith } from '../../../../src/core/scorecard.ts';
import type { BinnedFeature, Scorecard } from '../../../../src/core/scorecard.ts';
import { rules } from '../../../support/core-fixtures.ts';

/** The shipped scorecard with these features and thresholds, as the text of a file. */
function cardText(overrides: Partial<Scorecard> = {}): string {
  return JSON.stringify({ ...scorecardOf(rules), ...overrides });
}

/** The problems a refused file is reported with, one per line after the first ("<source>: invalid scorecard:"). */
function problemsOf(text: string, source?: string): string[] {
  try {
    if (source === undefined) parseScorecard(text);
    else parseScorecard(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(ScorecardError);
    return (error as Error).message.split('\n');
  }
  throw new Error('the scorecard was accepted');
}

const feature = (overrides: Partial<BinnedFeature>): BinnedFeature => ({ name: 'activityVsUsual', edges: [0.5], points: [1, 0], missingPoints: 0, normalBin: 1, ...overrides });

const nothingMeasured = Object.fromEntries(churnFeatureNames.map((name) => [name, null])) as ChurnFeatureVector;

describe('a scorecard file that is refused', () => {
  it('two equal edges do not ascend: the bin between them would hold nothing', () => {
    const text = cardText({ features: [feature({ edges: [0.5, 0.5], points: [2, 1, 0], normalBin: 2 })] });
    expect(problemsOf(text, 'card.json')).toEqual(['card.json: invalid scorecard:', '  features.0.edges: must ascend strictly']);
    // strictly ascending edges load
    expect(parseScorecard(cardText({ features: [feature({ edges: [0.5, 0.6], points: [2, 1, 0], normalBin: 2 })] })).features[0]!.edges).toEqual([0.5, 0.6]);
  });

  it('a feature listed twice would count its points twice', () => {
    const text = cardText({ features: [feature({}), feature({ points: [3, 0] })] });
    expect(problemsOf(text, 'card.json')).toEqual(['card.json: invalid scorecard:', '  features: a feature is listed twice']);
  });

  it('an episode must not clear above the score it opened at (hysteresis); clearing at the same score is allowed', () => {
    expect(problemsOf(cardText({ alertFromScore: 50, clearBelowScore: 51 }), 'card.json')).toEqual([
      'card.json: invalid scorecard:',
      '  clearBelowScore: must not exceed alertFromScore (hysteresis)',
    ]);
    const same = parseScorecard(cardText({ alertFromScore: 50, clearBelowScore: 50 }));
    expect([same.alertFromScore, same.clearBelowScore]).toEqual([50, 50]);
  });

  it('every problem is named on a line of its own, the file-level ones as (root)', () => {
    const lines = problemsOf(JSON.stringify({ ...JSON.parse(cardText()), extra: 1, horizonDays: 0 }), 'card.json');
    expect(lines[0]).toBe('card.json: invalid scorecard:');
    expect(lines.slice(1).sort()).toEqual(['  (root): Unrecognized key: "extra"', '  horizonDays: Too small: expected number to be >=1']);
    expect(problemsOf('[]', 'card.json')[1]).toMatch(/^ {2}\(root\): /);
  });

  it('is named "scorecard" when the caller gives no source, and the error says what it is', () => {
    expect(problemsOf('{')[0]).toMatch(/^scorecard: not JSON: /);
    expect(problemsOf('{}')[0]).toBe('scorecard: invalid scorecard:');
    expect(() => parseScorecard('{')).toThrow(expect.objectContaining({ name: 'ScorecardError' }));
  });
});

describe("a feature's contribution to the reasons", () => {
  it('is its points against those of the usual bin, whatever the usual bin itself adds', () => {
    // the usual bin (at or above 1) adds 0.5: a customer there contributes nothing; one far below contributes 2 − 0.5
    const card: Scorecard = { ...scorecardOf(rules), intercept: -1, features: [feature({ edges: [0.5, 1], points: [2, 1, 0.5], normalBin: 2 })] };
    const as = (value: number | null) => scoreWith(card, { ...nothingMeasured, activityVsUsual: value });
    expect(as(1.2)).toEqual({ score: 38, contributions: [{ name: 'activityVsUsual', value: 1.2, points: 0 }] }); // −1 + 0.5 → 37.8%
    expect(as(0.1)).toEqual({ score: 73, contributions: [{ name: 'activityVsUsual', value: 0.1, points: 1.5 }] }); // −1 + 2 → 73.1%
    // not measured: the missing points (0) against the usual bin's 0.5
    expect(as(null)).toEqual({ score: 27, contributions: [{ name: 'activityVsUsual', value: null, points: -0.5 }] });
  });

  it('lists the largest first, equal ones by name', () => {
    const card: Scorecard = {
      ...scorecardOf(rules),
      intercept: 0,
      features: [
        { name: 'inflowVsUsual', edges: [2], points: [0, 1], missingPoints: 0, normalBin: 0 },
        { name: 'fallBelowUsualLow', edges: [0.5], points: [0, 2], missingPoints: 0, normalBin: 0 },
        { name: 'closeVsNormal', edges: [0.5], points: [1, 0], missingPoints: 0, normalBin: 1 },
      ],
    };
    const { contributions } = scoreWith(card, { ...nothingMeasured, fallBelowUsualLow: 0.7, closeVsNormal: 0.2, inflowVsUsual: 3 });
    expect(contributions.map(({ name, points }) => [name, points])).toEqual([
      ['fallBelowUsualLow', 2],
      ['closeVsNormal', 1],
      ['inflowVsUsual', 1],
    ]);
  });
});
