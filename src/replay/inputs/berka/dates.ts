const DAY_MS = 86_400_000;
const YYMMDD = /^(\d{2})(\d{2})(\d{2})$/;

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** A PKDD'99 date (YYMMDD, the 1990s: YY from 50 on is 19YY, below 2000+YY), or undefined if it is no real date. */
export function parseBerkaDate(text: string): CalendarDate | undefined {
  const match = YYMMDD.exec(text.trim());
  if (match === null) return undefined;
  const yy = Number(match[1]);
  const date = { year: yy >= 50 ? 1900 + yy : 2000 + yy, month: Number(match[2]), day: Number(match[3]) };
  const check = new Date(Date.UTC(date.year, date.month - 1, date.day));
  const real = check.getUTCFullYear() === date.year && check.getUTCMonth() === date.month - 1 && check.getUTCDate() === date.day;
  return real ? date : undefined;
}

/** Days since 1970-01-01 of a calendar date (the Avro `date` of relationshipStartDay). */
export const epochDayOf = (date: CalendarDate): number => Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;

/**
 * The instant of a wall-clock time of day on a date in a time zone: the data set has dates only, and the replay
 * stamps every posting of a day at the same local time (noon: far from midnight, so the business day is the date's
 * own, and from the 02:00–03:00 of DST changes). Cached per date.
 */
export function wallClockTime(timeZone: string, hour: number): (date: CalendarDate) => number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const offsetAt = (instant: number): number => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) - instant;
  };
  const cache = new Map<number, number>();
  return (date) => {
    const asUtc = Date.UTC(date.year, date.month - 1, date.day, hour);
    let instant = cache.get(asUtc);
    if (instant === undefined) {
      instant = asUtc - offsetAt(asUtc - offsetAt(asUtc));
      cache.set(asUtc, instant);
    }
    return instant;
  };
}
