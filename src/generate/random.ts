/**
 * Seeded numbers for the synthetic bank. A Weyl sequence (a counter stepped by the golden ratio) through a 32-bit
 * integer mixer: tiny state, so every customer can carry a stream of their own, and fast. Not for secrets.
 */
const GOLDEN_STEP = 0x9e3779b9;
const TWO_TO_32 = 4_294_967_296;

/** Scrambles 32 bits so that neighbouring inputs give unrelated outputs (the murmur3 finaliser's constants). */
export function mix32(value: number): number {
  let mixed = value >>> 0;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}

/** A number in [0, 1) that depends only on its inputs: for choices that must not depend on how many draws came before. */
export function hashUnit(seed: number, a: number, b = 0, c = 0): number {
  const hashed = mix32((mix32((mix32(mix32(seed) ^ a) + GOLDEN_STEP) ^ b) ^ mix32(c + 0x632be5ab)) >>> 0);
  return hashed / TWO_TO_32;
}

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** An independent stream per (seed, stream number): one per customer, one per population-wide decision. */
  static stream(seed: number, stream: number): Random {
    return new Random(mix32(mix32(seed) ^ mix32(stream + 0x632be5ab)));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + GOLDEN_STEP) >>> 0;
    return mix32(this.state) / TWO_TO_32;
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One of the choices, with probability proportional to its weight. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [choice, weight] of choices) {
      roll -= weight;
      if (roll < 0) return choice;
    }
    const last = choices.at(-1);
    if (last === undefined) throw new Error('weighted choice from an empty list');
    return last[0];
  }

  /** Standard normal (Box–Muller; the second value is thrown away to keep the state a single number). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal around a median: money amounts are skewed, a few are much larger than the typical one. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Log-normal with the given mean, for amounts whose monthly sum must come out at a budget. */
  logNormalWithMean(mean: number, sigma: number): number {
    return mean * Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
  }

  /** How many events happen in a period where `mean` are expected (Knuth's method: fine for the small means used here). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count += 1;
      product *= this.next();
    }
    return count;
  }
}
