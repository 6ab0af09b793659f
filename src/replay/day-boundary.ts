import type { BusinessCalendar } from '../core/calendar.ts';

/** Local offsets lie within ±14 h of UTC, so the next local midnight is within this much of the next UTC one. */
const SEARCH_MS = 15 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The first instant (UTC millis) of the business day after the one `instant` falls on, found with `dayOf` alone
 * (a binary search over the ±15 h where it must be: right across DST changes, about 27 calls, once per batch).
 */
export function startOfNextDay(calendar: BusinessCalendar, instant: number): number {
  const day = calendar.dayOf(instant);
  let low = (day + 1) * DAY_MS - SEARCH_MS; // still `day` (or earlier) in every time zone
  let high = (day + 1) * DAY_MS + SEARCH_MS; // already past `day` in every time zone
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (calendar.dayOf(middle) > day) high = middle;
    else low = middle;
  }
  return high;
}
