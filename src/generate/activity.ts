import type { PatternPlan } from './patterns.ts';

/** What still happens in a customer's accounts on a given day, as their pattern (if any) has left it. */
export interface Activity {
  /** Salary, pension or business revenue still arrives here. */
  income: boolean;
  /** Rent, utilities and loan instalments still leave from here. */
  standingOrders: boolean;
  /** Scales everyday spending: 1 as usual, 0 nothing at all. */
  intensity: number;
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
  personaFlows: false,
  surplusTo: 'stays',
  topUps: false,
  maturities: 'rolled_over',
  customerActive: false,
};

/** Near silence after a sudden exit: a last card payment or two in the first weeks, then nothing. */
const LAST_TRICKLE_DAYS = 21;

export function activityOn(plan: PatternPlan | null, day: number): Activity {
  if (plan === null || day < plan.day) return usual;
  switch (plan.pattern) {
    case 'gradual_leakage': {
      const leaking = day <= plan.day + plan.durationDays;
      // while money is being moved the surplus stays put; afterwards it follows the rest to the competitor
      return { ...usual, intensity: 0.85, surplusTo: leaking ? 'stays' : 'competitor', topUps: false, maturities: 'paid_out' };
    }
    case 'sudden_exit':
      return { ...silent, intensity: day - plan.day < LAST_TRICKLE_DAYS ? 0.05 : 0, customerActive: day - plan.day < LAST_TRICKLE_DAYS };
    case 'payroll_moved':
      return {
        ...usual,
        income: false,
        standingOrders: day < plan.ordersEndDay,
        intensity: payrollMovedIntensity(plan, day),
        personaFlows: false,
        surplusTo: 'stays',
        topUps: false,
        maturities: 'paid_out',
      };
    case 'going_dormant':
      return silent;
    case 'inheritance':
    case 'bonus':
    case 'moved_in':
      return usual;
  }
}

/** Spending carries on for a while from the old account, then winds down to a trickle. */
function payrollMovedIntensity(plan: Extract<PatternPlan, { pattern: 'payroll_moved' }>, day: number): number {
  const sinceDecline = day - plan.day - plan.graceDays;
  if (sinceDecline <= 0) return 1;
  if (sinceDecline >= plan.declineDays) return plan.floor;
  return 1 - ((1 - plan.floor) * sinceDecline) / plan.declineDays;
}
