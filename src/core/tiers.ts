import type { CustomerFeatures } from './features.ts';
import type { Rules } from './rules.ts';

/**
 * Tiers are qualified on the daily-average balance over the rules' period (rolling 30 days or month to date),
 * never on a spot balance: one big deposit that leaves the next day moves the average little and not for long.
 */
export function periodAverage(features: CustomerFeatures, rules: Rules): number {
  return rules.tiers.period === 'monthToDate' ? features.averageMonthToDate() : features.averageDailyBalance(30);
}

/** Index of a tier in the rules (0 = lowest); an unknown or missing served tier counts as the lowest. */
export function tierIndexOf(rules: Rules, name: string | null | undefined): number {
  const { levels } = rules.tiers;
  for (let index = 0; index < levels.length; index += 1) if (levels[index]!.name === name) return index;
  return 0;
}

/**
 * The highest tier whose floor the average reaches, alone or (where the tier has one) as a household. (Loops without a
 * callback: a day close asks this for every hold day, and a closure per call cost more than the comparisons.)
 */
export function qualifiedTier(rules: Rules, average: number, householdAverage: number | null): number {
  const { levels } = rules.tiers;
  let qualified = 0;
  for (let index = 0; index < levels.length; index += 1) {
    const level = levels[index]!;
    const alone = average >= level.minAverageMinor;
    const together = householdAverage !== null && level.householdMinAverageMinor !== null && householdAverage >= level.householdMinAverageMinor;
    if (alone || together) qualified = index;
  }
  return qualified;
}
