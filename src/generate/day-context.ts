import { civilOf, compactDateOf, daysInMonth, nextWorkingDay, previousWorkingDay } from './calendar.ts';

/** Everything about a calendar day that every customer's planning asks, worked out once per day. */
export interface DayContext {
  day: number;
  year: number;
  month: number;
  dayOfMonth: number;
  weekday: number;
  isWorkingDay: boolean;
  isFirstOfMonth: boolean;
  /** YYYYMMDD, for transaction ids. */
  dateTag: string;
  seed: number;
  /** Days of the month whose payments (pensions, staff wages) are made today: weekends move them back to Friday. */
  paydayNominals: readonly number[];
  /** Days of the month whose standing orders run today: weekends move them on to Monday. */
  orderNominals: readonly number[];
  /** Card spending by weekday and season: Fridays and Saturdays, summer and December are busier. */
  spendingFactor: number;
}

const weekdayFactors = [0.6, 0.9, 0.95, 1.0, 1.05, 1.3, 1.2] as const;
const seasonFactors = [0.85, 0.9, 0.95, 1.0, 1.0, 1.05, 1.1, 1.1, 0.95, 1.0, 1.05, 1.35] as const;

/** Nominal days of this month (1..last) that `shift` moves onto `day`. */
function nominalsLandingOn(day: number, dayOfMonth: number, lastDayOfMonth: number, shift: (day: number) => number): number[] {
  const nominals: number[] = [];
  for (let offset = -2; offset <= 2; offset += 1) {
    const nominal = dayOfMonth + offset;
    if (nominal >= 1 && nominal <= lastDayOfMonth && shift(day + offset) === day) nominals.push(nominal);
  }
  return nominals;
}

export function dayContext(day: number, seed: number): DayContext {
  const { year, month, dayOfMonth, weekday } = civilOf(day);
  const lastDayOfMonth = daysInMonth(year, month);
  return {
    day,
    year,
    month,
    dayOfMonth,
    weekday,
    isWorkingDay: weekday !== 0 && weekday !== 6,
    isFirstOfMonth: dayOfMonth === 1,
    dateTag: compactDateOf(day),
    seed,
    paydayNominals: nominalsLandingOn(day, dayOfMonth, lastDayOfMonth, previousWorkingDay),
    orderNominals: nominalsLandingOn(day, dayOfMonth, lastDayOfMonth, nextWorkingDay),
    spendingFactor: (weekdayFactors[weekday] ?? 1) * (seasonFactors[month - 1] ?? 1),
  };
}
