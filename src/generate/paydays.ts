import { civilOf, dayOfCivil, daysInMonth, nextWorkingDay, previousWorkingDay } from './calendar.ts';
import type { Customer } from './model.ts';
import { hashUnit } from './random.ts';

/** Keeps the second payday's drift apart from the first's. */
const SECOND_PAYDAY_SALT = 0x5e_c0;

/** A payday of the month: a drifted date kept inside the month, a weekend moved back to Friday (on to Monday at the month's start). */
function workingDayIn(year: number, month: number, dayOfMonth: number): number {
  const day = dayOfCivil(year, month, Math.min(Math.max(1, dayOfMonth), daysInMonth(year, month)));
  const paid = previousWorkingDay(day);
  return civilOf(paid).month === month ? paid : nextWorkingDay(day);
}

/** A salary's payroll run drifts by up to `driftDays` either way from its day; a pension is paid on its day. */
function drift(customer: Customer, seed: number, driftDays: number, monthKey: number, salt: number): number {
  if (customer.income?.category !== 'SALARY' || driftDays === 0) return 0;
  const unit = salt === 0 ? hashUnit(seed, customer.index, monthKey) : hashUnit(seed, customer.index, monthKey, salt);
  return Math.floor(unit * (2 * driftDays + 1)) - driftDays;
}

/**
 * The day a customer's salary or pension arrives in a month: the contractual day, a salary ± `driftDays` as payroll
 * runs vary, moved back to Friday from a weekend. A pure function of (seed, customer, month), so patterns can plan
 * around paydays before the month is generated.
 */
export function paydayIn(customer: Customer, seed: number, year: number, month: number, driftDays = 1): number | undefined {
  const income = customer.income;
  if (income === null) return undefined;
  return workingDayIn(year, month, income.dayOfMonth + drift(customer, seed, driftDays, year * 12 + month, 0));
}

/** A semi-monthly salary's other payday: about two weeks after the first, or before it when that would leave the month. */
export function secondPaydayIn(customer: Customer, seed: number, year: number, month: number, driftDays = 1): number | undefined {
  const income = customer.income;
  if (income === null || !income.semiMonthly) return undefined;
  const nominal = income.dayOfMonth <= 13 ? income.dayOfMonth + 15 : income.dayOfMonth - 14;
  return workingDayIn(year, month, nominal + drift(customer, seed, driftDays, year * 12 + month, SECOND_PAYDAY_SALT));
}
