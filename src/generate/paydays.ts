import { dayOfCivil, previousWorkingDay } from './calendar.ts';
import type { Customer } from './model.ts';
import { hashUnit } from './random.ts';

/**
 * The day a customer's salary or pension arrives in a month: the contractual day, a salary ± 1 day as payroll runs
 * vary, moved back to Friday from a weekend. A pure function of (seed, customer, month), so patterns can plan
 * around paydays before the month is generated.
 */
export function paydayIn(customer: Customer, seed: number, year: number, month: number): number | undefined {
  const income = customer.income;
  if (income === null) return undefined;
  const jitter = income.category === 'SALARY' ? Math.floor(hashUnit(seed, customer.index, year * 12 + month) * 3) - 1 : 0;
  return previousWorkingDay(dayOfCivil(year, month, income.dayOfMonth + jitter));
}
