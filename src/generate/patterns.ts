import { civilOf } from './calendar.ts';
import type { ChurnPattern, GrowPattern, LabelPattern } from './labels.ts';
import type { Customer } from './model.ts';
import { major } from './model.ts';
import type { Period } from './options.ts';
import { paydayIn } from './paydays.ts';
import type { Random } from './random.ts';

/**
 * What happens to a labelled customer, fixed before the first day is generated. `day` is the label's date: no
 * posting of the pattern comes before it. Amounts that depend on the balance at the time (`total`) are set on the day.
 */
export type PatternPlan =
  | {
      pattern: 'gradual_leakage';
      day: number;
      durationDays: number;
      transfers: number;
      /** Share of the total balance on the first day that ends up at the competitor. */
      share: number;
      destination: 'OTHER_BANK' | 'INVESTMENT_PLATFORM';
      total: number;
    }
  | { pattern: 'sudden_exit'; day: number; share: number; firstShare: number; secondDay: number | null; total: number }
  | {
      pattern: 'payroll_moved';
      day: number;
      graceDays: number;
      declineDays: number;
      floor: number;
      ordersEndDay: number;
      /** Some also move their savings a few weeks later; others leave them (the subtle ones). */
      savingsExitDay: number | null;
      savingsExitShare: number;
    }
  | { pattern: 'going_dormant'; day: number }
  | { pattern: 'inheritance'; day: number; amount: number; counterpartyKind: 'OTHER_BANK' | 'SAME_BANK_CUSTOMER' }
  | { pattern: 'bonus'; day: number; amount: number }
  | { pattern: 'moved_in'; day: number; tranches: ReadonlyArray<{ day: number; amount: number }> };

const churnWeights: ReadonlyArray<readonly [ChurnPattern, number]> = [
  ['gradual_leakage', 0.35],
  ['sudden_exit', 0.2],
  ['payroll_moved', 0.25],
  ['going_dormant', 0.2],
];

const growWeights: ReadonlyArray<readonly [GrowPattern, number]> = [
  ['inheritance', 0.35],
  ['bonus', 0.3],
  ['moved_in', 0.35],
];

/** A pattern the customer can have: no payroll to move without an income, no bonus without an employer. */
function eligible(customer: Customer, pattern: LabelPattern): boolean {
  if (pattern === 'payroll_moved') return customer.income !== null;
  if (pattern === 'bonus') return customer.hasEmployer;
  return true;
}

/**
 * Label dates leave a baseline before (30-day averages, 90-day peaks need it) and time after to observe the
 * pattern; dormancy needs longest, as its first stage fires 60 days into the silence.
 */
function labelWindow(period: Period, pattern: LabelPattern): { from: number; to: number } {
  const span = period.endDay - period.startDay;
  const warmup = Math.min(90, Math.floor(span * 0.3));
  const tail = pattern === 'going_dormant' ? Math.min(120, Math.floor(span * 0.4)) : Math.min(60, Math.floor(span * 0.2));
  const from = period.startDay + warmup;
  return { from, to: Math.max(from, period.endDay - 1 - tail) };
}

/** The first payday on or after `day` inside the period; the day itself when none is in reach. */
function paydayFrom(customer: Customer, seed: number, day: number, period: Period): number {
  let { year, month } = civilOf(day);
  for (let step = 0; step < 3; step += 1) {
    const payday = paydayIn(customer, seed, year, month);
    if (payday !== undefined && payday >= day && payday < period.endDay) return payday;
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
  return day;
}

const roundTo = (amount: number, unit: number) => Math.max(unit, Math.round(amount / unit) * unit);

function planPattern(customer: Customer, pattern: LabelPattern, day: number, seed: number, period: Period, random: Random): PatternPlan {
  switch (pattern) {
    case 'gradual_leakage':
      return {
        pattern,
        day,
        // one to three months, but finished inside the period so that the data holds the whole pattern
        durationDays: Math.max(7, Math.min(random.int(30, 90), period.endDay - 1 - day)),
        transfers: random.int(3, 8),
        share: random.between(0.55, 0.95),
        destination: random.chance(0.6) ? 'OTHER_BANK' : 'INVESTMENT_PLATFORM',
        total: 0,
      };
    case 'sudden_exit': {
      const twoSteps = random.chance(0.4);
      return {
        pattern,
        day,
        share: random.between(0.86, 0.97),
        firstShare: twoSteps ? random.between(0.5, 0.8) : 1,
        secondDay: twoSteps ? day + random.int(1, 3) : null,
        total: 0,
      };
    }
    case 'payroll_moved': {
      const payday = paydayFrom(customer, seed, day, period);
      return {
        pattern,
        day: payday,
        graceDays: random.int(14, 45),
        declineDays: random.int(30, 75),
        floor: random.between(0.1, 0.35),
        ordersEndDay: payday + random.int(20, 60),
        savingsExitDay: customer.balances.length > 1 && random.chance(0.4) ? payday + random.int(30, 90) : null,
        savingsExitShare: random.between(0.5, 0.9),
      };
    }
    case 'going_dormant':
      return { pattern, day };
    case 'inheritance':
      return {
        pattern,
        day,
        amount: roundTo(Math.max(major(40_000), random.logNormal(Math.max(major(300_000), customer.typicalBalance * 1.5), 0.7)), major(100)),
        counterpartyKind: random.chance(0.6) ? 'OTHER_BANK' : 'SAME_BANK_CUSTOMER',
      };
    case 'bonus': {
      const months = random.weighted([[1, 0.35], [2, 0.3], [3, 0.2], [6, 0.15]] as const);
      return { pattern, day: paydayFrom(customer, seed, day, period), amount: roundTo((customer.income?.amount ?? 0) * months * random.between(0.8, 1.2), major(100)) };
    }
    case 'moved_in': {
      const total = Math.max(major(50_000), random.logNormal(Math.max(major(150_000), customer.typicalBalance * 1.2), 0.7));
      const count = random.int(1, 3);
      const weights = Array.from({ length: count }, () => random.between(0.5, 1.5));
      const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
      const offsets = [0, random.int(2, 7), random.int(8, 14)];
      return {
        pattern,
        day,
        tranches: weights.map((weight, index) => ({ day: day + (offsets[index] ?? 0), amount: roundTo((total * weight) / weightSum, major(100)) })),
      };
    }
  }
}

/**
 * Chooses exactly round(share × customers) churners and growers (disjoint, by a seeded shuffle), a pattern for each
 * that fits the customer, and its date inside the pattern's window.
 */
export function assignPatterns(customers: readonly Customer[], shares: { churn: number; grow: number }, seed: number, period: Period, random: Random): void {
  const order = customers.map((customer) => customer.index);
  for (let last = order.length - 1; last > 0; last -= 1) {
    const other = random.int(0, last);
    [order[last], order[other]] = [order[other]!, order[last]!];
  }
  const churnCount = Math.round(customers.length * shares.churn);
  const growCount = Math.min(customers.length - churnCount, Math.round(customers.length * shares.grow));
  order.slice(0, churnCount + growCount).forEach((index, position) => {
    const customer = customers[index]!;
    const weights = position < churnCount ? churnWeights : growWeights;
    const pattern = random.weighted(weights.filter(([candidate]) => eligible(customer, candidate)));
    const window = labelWindow(period, pattern);
    customer.plan = planPattern(customer, pattern, random.int(window.from, window.to), seed, period, random);
  });
}
