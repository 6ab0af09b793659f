/** A seeded source of numbers in [0, 1): the same seed always yields the same data set. */
export type Random = () => number;

/** mulberry32: tiny, fast and good enough for synthetic data (not for anything secret). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const between = (random: Random, min: number, max: number): number => min + random() * (max - min);

export const integerBetween = (random: Random, min: number, max: number): number => Math.floor(between(random, min, max + 1));

/** Skewed towards `min`: most card payments are small, a few are not. */
export const skewedBetween = (random: Random, min: number, max: number): number => min + random() ** 2.5 * (max - min);

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** One of the choices, with probability proportional to its weight. */
export function weighted<T>(random: Random, choices: ReadonlyArray<readonly [T, number]>): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [choice, weight] of choices) {
    roll -= weight;
    if (roll < 0) return choice;
  }
  const last = choices.at(-1);
  if (last === undefined) throw new Error('weighted choice from an empty list');
  return last[0];
}

/** Whole CZK in minor units (haléř): bank amounts in the data set are never fractional crowns. */
export const wholeCrowns = (minor: number): number => Math.max(100, Math.round(minor / 100) * 100);
