import { setTimeout as sleep } from 'node:timers/promises';
import { businessCalendar } from '../../src/core/calendar.ts';
import { loadRules } from '../../src/core/rules.ts';

/** Postings end this long before the wall clock: event times in the past, as a live feed has them. */
const ENDS_BEFORE_NOW_MS = 60_000;

/**
 * Times for `count` postings in the recent past, at most `spacingMs` apart (closer when the day is young), such that
 * the postings and the next `budgetMs` of the test all fall on the same business day of the service's calendar
 * (rules/default.yaml). A test that compares two passes run at different wall-clock moments needs it: once the wall
 * clock crosses the bank's midnight, the service's sweeps close the day and judge household tiers at moments that
 * depend on its batches, and a pass stopped sooner than the other has not judged them yet (CI on 7 December, run at
 * 00:10 in Prague). Waits past midnight when the day has less than `budgetMs` left.
 */
export async function postingTimesWithinToday(count: number, spacingMs: number, budgetMs: number): Promise<{ begin: number; spacingMs: number }> {
  const calendar = businessCalendar(loadRules('rules/default.yaml').timeZone);
  for (;;) {
    const now = Date.now();
    const today = calendar.dayOf(now);
    const untilMidnight = calendar.startOf(today + 1) - now;
    const end = now - ENDS_BEFORE_NOW_MS;
    const begin = Math.max(end - count * spacingMs, calendar.startOf(today));
    const spacing = Math.min(spacingMs, Math.floor((end - begin) / count));
    if (untilMidnight < budgetMs) await sleep(untilMidnight + 1_000);
    else if (spacing < 1) await sleep(calendar.startOf(today) + ENDS_BEFORE_NOW_MS + count + 1_000 - now);
    else return { begin, spacingMs: spacing };
  }
}
