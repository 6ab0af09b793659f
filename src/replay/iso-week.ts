import { DAY_MS } from '../core/calendar.ts';

/** 1970-01-05, the first Monday after the epoch, is day 4: weeks are counted from Mondays. */
const FIRST_MONDAY = 4;

/** A running number of the ISO week (Monday to Sunday) a business day falls in: consecutive weeks differ by 1. */
export const weekIndexOf = (day: number): number => Math.floor((day - FIRST_MONDAY) / 7);

/** The ISO 8601 week label of a week index, e.g. 2024-W07 (the year the week's Thursday falls in). */
export function isoWeekLabel(weekIndex: number): string {
  const thursday = weekIndex * 7 + FIRST_MONDAY + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  // week 1 is the week holding January 4th (the year's first Thursday falls in it)
  const week = weekIndex - weekIndexOf(Date.UTC(year, 0, 4) / DAY_MS) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
