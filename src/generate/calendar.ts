import { DAY_MS } from '../core/calendar.ts';

/**
 * Calendar arithmetic for the generator, in whole UTC days (days since 1970-01-01). Postings are stamped between
 * 01:00 and 21:59 UTC, which is the same calendar date in Europe/Prague (UTC+1/+2), so a generated day is also the
 * detector's business day.
 */
export { DAY_MS };

export interface CivilDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  dayOfMonth: number;
  /** 0 = Sunday .. 6 = Saturday */
  weekday: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day of an ISO date (YYYY-MM-DD), or undefined when it is not a real date. */
export function dayOfIsoDate(iso: string): number | undefined {
  const match = ISO_DATE.exec(iso);
  if (match === null) return undefined;
  const [year, month, dayOfMonth] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const millis = Date.UTC(year, month - 1, dayOfMonth);
  const date = new Date(millis);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== dayOfMonth) return undefined;
  return millis / DAY_MS;
}

export function civilOf(day: number): CivilDate {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, dayOfMonth: date.getUTCDate(), weekday: date.getUTCDay() };
}

export function dayOfCivil(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / DAY_MS;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The same day of the month `months` later, or that month's last day when it is shorter (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: number, months: number): number {
  const { year, month, dayOfMonth } = civilOf(day);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const targetYear = target.getUTCFullYear();
  const targetMonth = target.getUTCMonth() + 1;
  return dayOfCivil(targetYear, targetMonth, Math.min(dayOfMonth, daysInMonth(targetYear, targetMonth)));
}

/** The first day of the month `day` is in. */
export function monthStartOf(day: number): number {
  const { year, month } = civilOf(day);
  return dayOfCivil(year, month, 1);
}

/** YYYYMMDD, for transaction ids. */
export function compactDateOf(day: number): string {
  const { year, month, dayOfMonth } = civilOf(day);
  return `${year}${String(month).padStart(2, '0')}${String(dayOfMonth).padStart(2, '0')}`;
}

/** A weekend day moved back to the Friday before: payroll and pensions are paid on working days. */
export function previousWorkingDay(day: number): number {
  const { weekday } = civilOf(day);
  if (weekday === 6) return day - 1;
  if (weekday === 0) return day - 2;
  return day;
}

/** A weekend day moved on to the Monday after: standing orders run on the next working day. */
export function nextWorkingDay(day: number): number {
  const { weekday } = civilOf(day);
  if (weekday === 6) return day + 2;
  if (weekday === 0) return day + 1;
  return day;
}
