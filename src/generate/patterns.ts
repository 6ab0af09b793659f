import { addMonths, civilOf } from './calendar.ts';
import type { ChurnPattern, GrowPattern, LabelPattern, Outcome, TrapPattern } from './labels.ts';
import { outcomeOf } from './labels.ts';
import type { Customer } from './model.ts';
import { major } from './model.ts';
import type { PatternWeights, Period } from './options.ts';
import { paydayIn } from './paydays.ts';
import type { Random } from './random.ts';

type Destination = 'OTHER_BANK' | 'INVESTMENT_PLATFORM';

/**
 * What happens to a labelled customer, fixed before the first day is generated. `day` is the label's date: no
 * posting of the pattern comes before it. A churner's `endDay` is the day the relationship ends (the label's
 * endDate): the day its money is gone, or, where activity stops, its last own posting (one is made on that day).
 * Amounts that depend on the balance at the time are set on the day (`total`) or as a share of it when posted.
 */
export type PatternPlan =
  | {
      pattern: 'gradual_leakage';
      day: number;
      endDay: number;
      durationDays: number;
      transfers: number;
      /** Share of the total balance on the first day that ends up at the competitor. */
      share: number;
      destination: Destination;
      total: number;
    }
  | {
      pattern: 'leak_refilled';
      day: number;
      endDay: number;
      /** Days of the regular transfers, each `shares[i]` of the total balance when it is made; the salary refills. */
      transferDays: readonly number[];
      shares: readonly number[];
      destination: Destination;
      /** The last transfer (on endDay) takes this share, the account is left near empty. */
      finalShare: number;
    }
  | { pattern: 'sudden_exit'; day: number; endDay: number; share: number; firstShare: number; secondDay: number | null; total: number }
  | { pattern: 'small_balance_exit'; day: number; endDay: number; share: number }
  | {
      pattern: 'payroll_moved';
      day: number;
      /** The last own posting: spending winds down from `day + graceDays` until then, then nothing. */
      endDay: number;
      graceDays: number;
      declineDays: number;
      floor: number;
      ordersEndDay: number;
    }
  | {
      pattern: 'slow_fade';
      day: number;
      /** Count and size of postings fall from `day` to here, the last own posting; then nothing. */
      endDay: number;
      incomeEndDay: number;
      ordersEndDay: number;
      /** How much smaller the last payments are than the usual ones (0.2: a fifth of them). */
      finalAmountFactor: number;
    }
  | { pattern: 'going_dormant'; day: number; endDay: number }
  | { pattern: 'inheritance'; day: number; amount: number; counterpartyKind: 'OTHER_BANK' | 'SAME_BANK_CUSTOMER' }
  | { pattern: 'bonus'; day: number; amount: number }
  | { pattern: 'moved_in'; day: number; tranches: ReadonlyArray<{ day: number; amount: number }> }
  | { pattern: 'house_down_payment'; day: number; share: number; counterpartyKind: 'OTHER_BANK' | 'SAME_BANK_CUSTOMER' }
  | { pattern: 'one_day_spike'; day: number; factor: number; outShare: number; total: number }
  | { pattern: 'annual_tax'; day: number; share: number }
  | { pattern: 'holiday_spending'; day: number; days: number; countFactor: number; amountFactor: number };

/** The day a churner's relationship ended, null for growers and traps. */
export const endDayOf = (plan: PatternPlan): number | null => ('endDay' in plan ? plan.endDay : null);

/** The default mixes (relative weights) of patterns; a bank's options may draw others. */
export const defaultPatternWeights: PatternWeights = {
  churn: { gradual_leakage: 0.2, leak_refilled: 0.15, sudden_exit: 0.15, small_balance_exit: 0.1, payroll_moved: 0.15, slow_fade: 0.1, going_dormant: 0.15 },
  grow: { inheritance: 0.35, bonus: 0.3, moved_in: 0.35 },
  trap: { house_down_payment: 0.3, one_day_spike: 0.25, annual_tax: 0.25, holiday_spending: 0.2 },
};

export const patternWeightsOf = (weights: PatternWeights | undefined): PatternWeights => weights ?? defaultPatternWeights;

const weightList = <P extends LabelPattern>(weights: Partial<Record<P, number>>, names: readonly P[]): Array<readonly [P, number]> =>
  names.map((name) => [name, weights[name] ?? 0] as const).filter(([, weight]) => weight > 0);

const churnNames: readonly ChurnPattern[] = ['gradual_leakage', 'leak_refilled', 'sudden_exit', 'small_balance_exit', 'payroll_moved', 'slow_fade', 'going_dormant'];
const growNames: readonly GrowPattern[] = ['inheritance', 'bonus', 'moved_in'];
const trapNames: readonly TrapPattern[] = ['house_down_payment', 'one_day_spike', 'annual_tax', 'holiday_spending'];

export interface PatternSetting {
  shares: Record<Outcome, number>;
  weights: PatternWeights;
  seed: number;
  period: Period;
  driftDays: number;
  /** Modelled balance (CZK magnitudes) below which a customer is a small-balance one: below the bank's first tier floor. */
  smallBalanceBelow: number;
}

/** A pattern the customer can have: no payroll to move without an income, no bonus without an employer. */
function eligible(customer: Customer, pattern: LabelPattern, setting: PatternSetting): boolean {
  switch (pattern) {
    case 'payroll_moved':
      return customer.income !== null;
    case 'bonus':
      return customer.hasEmployer;
    case 'leak_refilled':
      // the salary (or pension) goes on refilling the account
      return customer.income !== null && customer.business === null;
    case 'house_down_payment':
      // life and income go on after the purchase; the savings for it are a few months' income at least
      return customer.income !== null && customer.business === null && customer.typicalBalance >= 2 * customer.income.amount;
    case 'small_balance_exit':
      return customer.typicalBalance < setting.smallBalanceBelow;
    default:
      return true;
  }
}

/** Days after the label's date a pattern needs to be seen whole (and a churner's silence after its end). */
const tailDays: Partial<Record<LabelPattern, number>> = {
  going_dormant: 120,
  payroll_moved: 120,
  slow_fade: 150,
  leak_refilled: 100,
  house_down_payment: 80,
  annual_tax: 40,
};

/**
 * Label dates leave a baseline before (30-day averages, 90-day peaks need it) and time after to observe the
 * pattern; dormancy, fades and payroll moves need longest.
 */
function labelWindow(period: Period, pattern: LabelPattern): { from: number; to: number } {
  const span = period.endDay - period.startDay;
  const warmup = Math.min(90, Math.floor(span * 0.3));
  const tail = Math.min(tailDays[pattern] ?? 60, Math.floor(span * (pattern in tailDays ? 0.4 : 0.2)));
  const from = period.startDay + warmup;
  return { from, to: Math.max(from, period.endDay - 1 - tail) };
}

/** The first payday on or after `day` inside the period; the day itself when none is in reach. */
function paydayFrom(customer: Customer, setting: PatternSetting, day: number): number {
  let { year, month } = civilOf(day);
  for (let step = 0; step < 3; step += 1) {
    const payday = paydayIn(customer, setting.seed, year, month, setting.driftDays);
    if (payday !== undefined && payday >= day && payday < setting.period.endDay) return payday;
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
  return day;
}

const roundTo = (amount: number, unit: number) => Math.max(unit, Math.round(amount / unit) * unit);

/** The last day a churner's end may fall on: a week of the period left after it, never before the start. */
const latestEnd = (period: Period, day: number) => Math.max(day, period.endDay - 8);

function planLeakRefilled(day: number, period: Period, random: Random): PatternPlan {
  const room = latestEnd(period, day) - day;
  const count = random.int(3, 10);
  // every one to four weeks; squeezed (never below three transfers) when the period ends sooner
  const interval = Math.max(1, Math.min(random.int(7, 30), Math.floor(room / (count + 1))));
  const transfers = Math.max(3, Math.min(count, Math.floor(room / interval) - 1));
  const transferDays = Array.from({ length: transfers }, (_, index) => day + index * interval + (index === 0 ? 0 : random.int(-Math.floor(interval / 4), Math.floor(interval / 4))));
  const last = transferDays.at(-1) ?? day;
  return {
    pattern: 'leak_refilled',
    day,
    endDay: Math.max(last + 1, Math.min(latestEnd(period, day), last + Math.max(1, random.int(Math.ceil(interval / 2), interval * 2)))),
    transferDays,
    shares: transferDays.map(() => random.between(0.05, 0.15)),
    destination: random.chance(0.6) ? 'INVESTMENT_PLATFORM' : 'OTHER_BANK',
    finalShare: random.between(0.9, 0.98),
  };
}

function planPayrollMoved(customer: Customer, setting: PatternSetting, day: number, random: Random): PatternPlan {
  const payday = paydayFrom(customer, setting, day);
  const graceDays = random.int(14, 45);
  const declineDays = random.int(20, 75);
  const endDay = Math.max(payday, Math.min(latestEnd(setting.period, payday), payday + graceDays + declineDays + random.int(0, 20)));
  return { pattern: 'payroll_moved', day: payday, endDay, graceDays, declineDays, floor: random.between(0.1, 0.4), ordersEndDay: payday + random.int(20, 60) };
}

function planSlowFade(day: number, period: Period, random: Random): PatternPlan {
  const endDay = Math.max(day + 1, Math.min(latestEnd(period, day), day + random.int(90, 300)));
  const span = endDay - day;
  return {
    pattern: 'slow_fade',
    day,
    endDay,
    incomeEndDay: day + Math.round(span * random.between(0.2, 0.8)),
    ordersEndDay: day + Math.round(span * random.between(0.3, 0.9)),
    finalAmountFactor: random.between(0.15, 0.5),
  };
}

function planPattern(customer: Customer, pattern: LabelPattern, day: number, setting: PatternSetting, random: Random): PatternPlan {
  const { period } = setting;
  switch (pattern) {
    case 'gradual_leakage': {
      // one to three months, but finished inside the period so that the data holds the whole pattern
      const durationDays = Math.max(7, Math.min(random.int(30, 90), period.endDay - 1 - day));
      return {
        pattern,
        day,
        endDay: day + durationDays,
        durationDays,
        transfers: random.int(3, 8),
        share: random.between(0.55, 0.95),
        destination: random.chance(0.6) ? 'OTHER_BANK' : 'INVESTMENT_PLATFORM',
        total: 0,
      };
    }
    case 'leak_refilled':
      return planLeakRefilled(day, period, random);
    case 'sudden_exit': {
      const twoSteps = random.chance(0.4);
      const secondDay = twoSteps ? day + random.int(1, 3) : null;
      return { pattern, day, endDay: secondDay ?? day, share: random.between(0.86, 0.97), firstShare: twoSteps ? random.between(0.5, 0.8) : 1, secondDay, total: 0 };
    }
    case 'small_balance_exit':
      return { pattern, day, endDay: day, share: random.between(0.9, 0.97) };
    case 'payroll_moved':
      return planPayrollMoved(customer, setting, day, random);
    case 'slow_fade':
      return planSlowFade(day, period, random);
    case 'going_dormant':
      return { pattern, day, endDay: day };
    case 'inheritance':
      return {
        pattern,
        day,
        amount: roundTo(Math.max(major(40_000), random.logNormal(Math.max(major(300_000), customer.typicalBalance * 1.5), 0.7)), major(100)),
        counterpartyKind: random.chance(0.6) ? 'OTHER_BANK' : 'SAME_BANK_CUSTOMER',
      };
    case 'bonus': {
      const months = random.weighted([[1, 0.35], [2, 0.3], [3, 0.2], [6, 0.15]] as const);
      return { pattern, day: paydayFrom(customer, setting, day), amount: roundTo((customer.income?.amount ?? 0) * months * random.between(0.8, 1.2), major(100)) };
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
    case 'house_down_payment':
      // the seller's or the developer's account: at another bank more often than not, so the counterparty cannot tell
      return { pattern, day, share: random.between(0.3, 0.9), counterpartyKind: random.chance(0.75) ? 'OTHER_BANK' : 'SAME_BANK_CUSTOMER' };
    case 'one_day_spike':
      return { pattern, day, factor: Math.exp(random.between(Math.log(0.5), Math.log(5))), outShare: random.between(0.95, 1), total: 0 };
    case 'annual_tax':
      return { pattern, day, share: random.between(0.1, 0.45) };
    case 'holiday_spending':
      return { pattern, day, days: random.int(14, 28), countFactor: random.between(1.8, 4), amountFactor: random.between(1.5, 3) };
  }
}

/** Whether `day` is `first` or the same date a whole number of years later (an annual payment's days). */
export function isAnniversary(day: number, first: number): boolean {
  let candidate = first;
  while (candidate < day) candidate = addMonths(candidate, 12);
  return candidate === day;
}

/**
 * Chooses exactly round(share × customers) churners, growers and traps (disjoint, by a seeded shuffle), a pattern
 * for each that fits the customer, and its date inside the pattern's window.
 */
export function assignPatterns(customers: readonly Customer[], setting: PatternSetting, random: Random): void {
  const order = customers.map((customer) => customer.index);
  for (let last = order.length - 1; last > 0; last -= 1) {
    const other = random.int(0, last);
    [order[last], order[other]] = [order[other]!, order[last]!];
  }
  const { shares, weights } = setting;
  const churnCount = Math.round(customers.length * shares.churn);
  const growCount = Math.min(customers.length - churnCount, Math.round(customers.length * shares.grow));
  const trapCount = Math.min(customers.length - churnCount - growCount, Math.round(customers.length * shares.trap));
  const lists: Record<Outcome, Array<readonly [LabelPattern, number]>> = {
    churn: weightList(weights.churn, churnNames),
    grow: weightList(weights.grow, growNames),
    trap: weightList(weights.trap, trapNames),
  };
  order.slice(0, churnCount + growCount + trapCount).forEach((index, position) => {
    const customer = customers[index]!;
    const outcome: Outcome = position < churnCount ? 'churn' : position < churnCount + growCount ? 'grow' : 'trap';
    const candidates = lists[outcome].filter(([candidate]) => eligible(customer, candidate, setting));
    if (candidates.length === 0) return;
    const pattern = random.weighted(candidates);
    const window = labelWindow(setting.period, pattern);
    const plan = planPattern(customer, pattern, random.int(window.from, window.to), setting, random);
    if (outcomeOf(plan.pattern) !== outcome) throw new Error(`pattern ${plan.pattern} drawn for ${outcome}`);
    customer.plan = plan;
  });
}
