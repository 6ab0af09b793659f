import type { PatternPlan } from './patterns.ts';

/** What still happens in a customer's accounts on a given day, as their pattern (if any) has left it. */
export interface Activity {
  /** Salary, pension or business revenue still arrives here. */
  income: boolean;
  /** Rent, utilities and loan instalments still leave from here. */
  standingOrders: boolean;
  /** Scales how often the customer spends: 1 as usual, 0 nothing at all. */
  intensity: number;
  /** Scales what each card payment, withdrawal and transfer to people is: 1 as usual. */
  amountFactor: number;
  /** Business, saver, multi-bank and household flows still run. */
  personaFlows: boolean;
  /** Where the current account's surplus goes each month. */
  surplusTo: 'savings' | 'competitor' | 'stays';
  /** Savings refill a current account that runs low. */
  topUps: boolean;
  /** What the bank does when a term deposit matures: pay it out and let the customer decide, or roll it over silently. */
  maturities: 'customer_decides' | 'paid_out' | 'rolled_over';
  /** Any posting the customer (or someone paying them) initiates; false leaves only interest and fees. */
  customerActive: boolean;
}

const usual: Activity = {
  income: true,
  standingOrders: true,
  intensity: 1,
  amountFactor: 1,
  personaFlows: true,
  surplusTo: 'savings',
  topUps: true,
  maturities: 'customer_decides',
  customerActive: true,
};

const silent: Activity = {
  income: false,
  standingOrders: false,
  intensity: 0,
  amountFactor: 1,
  personaFlows: false,
  surplusTo: 'stays',
  topUps: false,
  maturities: 'rolled_over',
  customerActive: false,
};

/** Near silence after an exit: a last card payment or two in the first weeks, then nothing. */
const LAST_TRICKLE_DAYS = 21;

const afterExit = (daysSinceEnd: number): Activity => ({
  ...silent,
  intensity: daysSinceEnd < LAST_TRICKLE_DAYS ? 0.05 : 0,
  customerActive: daysSinceEnd < LAST_TRICKLE_DAYS,
});

export function activityOn(plan: PatternPlan | null, day: number): Activity {
  if (plan === null || day < plan.day) return usual;
  switch (plan.pattern) {
    case 'gradual_leakage': {
      const leaking = day <= plan.day + plan.durationDays;
      // while money is being moved the surplus stays put; afterwards it follows the rest to the competitor
      return { ...usual, intensity: 0.85, surplusTo: leaking ? 'stays' : 'competitor', topUps: false, maturities: 'paid_out' };
    }
    case 'leak_refilled':
      // life as usual, the salary refilling what leaks away, until the last transfer empties the account
      return day <= plan.endDay ? { ...usual, surplusTo: 'stays', maturities: 'paid_out' } : afterExit(day - plan.endDay);
    case 'sudden_exit':
      return afterExit(day - plan.day);
    case 'small_balance_exit':
      return afterExit(day - plan.day);
    case 'payroll_moved':
      if (day > plan.endDay) return silent;
      return {
        ...usual,
        income: false,
        standingOrders: day < plan.ordersEndDay,
        intensity: payrollMovedIntensity(plan, day),
        personaFlows: false,
        surplusTo: 'stays',
        maturities: 'paid_out',
      };
    case 'slow_fade': {
      if (day > plan.endDay) return silent;
      const progress = (day - plan.day) / Math.max(1, plan.endDay - plan.day);
      return {
        ...usual,
        income: day < plan.incomeEndDay,
        standingOrders: day < plan.ordersEndDay,
        intensity: Math.max(0.05, 1 - progress),
        amountFactor: 1 - (1 - plan.finalAmountFactor) * progress,
        personaFlows: day < plan.incomeEndDay,
        surplusTo: 'stays',
        maturities: 'paid_out',
      };
    }
    case 'going_dormant':
      return silent;
    case 'holiday_spending':
      return day < plan.day + plan.days ? { ...usual, intensity: plan.countFactor, amountFactor: plan.amountFactor } : usual;
    case 'inheritance':
    case 'bonus':
    case 'moved_in':
    case 'house_down_payment':
    case 'one_day_spike':
    case 'annual_tax':
      return usual;
  }
}

/** Spending carries on for a while from the old account, then winds down to a trickle until the last posting. */
function payrollMovedIntensity(plan: Extract<PatternPlan, { pattern: 'payroll_moved' }>, day: number): number {
  const sinceDecline = day - plan.day - plan.graceDays;
  if (sinceDecline <= 0) return 1;
  if (sinceDecline >= plan.declineDays) return plan.floor;
  return 1 - ((1 - plan.floor) * sinceDecline) / plan.declineDays;
}
