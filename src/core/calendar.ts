/**
 * Business days. Windows, daily balances and month-to-date are cut at midnight in the bank's time zone (from the
 * rules file), not at UTC midnight: a card payment at 00:30 in Prague belongs to that Prague day. A day is an
 * integer: days since 1970-01-01 in that time zone.
 */
export const DAY_MS = 86_400_000;
const OFFSET_BUCKET_MS = 15 * 60_000; // every real time-zone offset changes on a quarter-hour boundary
/** Offsets are cached in chunks of this many buckets (about 43 days), in a typed array each. */
const CHUNK_BUCKETS = 4096;
const MAX_CACHED_CHUNKS = 64;
/** A chunk's slot not asked yet: no real offset is near it (they are within ±14 h, ±50,400,000 ms). */
const NOT_ASKED = 0x7fffffff;

export interface BusinessCalendar {
  readonly timeZone: string;
  /** The business day an instant (UTC millis) falls on. */
  dayOf(instant: number): number;
  /** The first day of the month that `day` is in. */
  monthStartOf(day: number): number;
  /** The instant (UTC millis) at which a business day begins. */
  startOf(day: number): number;
}

export function businessCalendar(timeZone: string): BusinessCalendar {
  if (timeZone === 'UTC') {
    return { timeZone, dayOf: (instant) => Math.floor(instant / DAY_MS), monthStartOf, startOf: (day) => day * DAY_MS };
  }
  const format = wallClockFormat(timeZone);
  // Intl is slow (microseconds a call); the offset is constant within a quarter hour, so it is asked once per bucket
  // and kept in a typed array per chunk of buckets, the last chunk read at hand: a replay asks for the day of an
  // instant many times per posting and close, and a Map lookup per ask was 2 % of it
  const chunks = new Map<number, Int32Array>();
  let lastChunkIndex = Number.NaN;
  let lastChunk: Int32Array = new Int32Array(0);
  // the chunk read before the last, at hand too: a day close asks for the day of the customer's first posting, months
  // back, between asks about recent instants, and each switch of chunk was a Map lookup
  let otherChunkIndex = Number.NaN;
  let otherChunk: Int32Array = lastChunk;
  const offsetAt = (instant: number): number => {
    const bucket = Math.floor(instant / OFFSET_BUCKET_MS);
    if (!Number.isSafeInteger(bucket)) return utcOffsetOf(format, bucket * OFFSET_BUCKET_MS); // (Intl refuses it)
    const chunkIndex = Math.floor(bucket / CHUNK_BUCKETS);
    if (chunkIndex !== lastChunkIndex) {
      let chunk = chunkIndex === otherChunkIndex ? otherChunk : chunks.get(chunkIndex);
      if (chunk === undefined) {
        if (chunks.size >= MAX_CACHED_CHUNKS) chunks.clear();
        chunk = new Int32Array(CHUNK_BUCKETS).fill(NOT_ASKED);
        chunks.set(chunkIndex, chunk);
      }
      otherChunkIndex = lastChunkIndex;
      otherChunk = lastChunk;
      lastChunkIndex = chunkIndex;
      lastChunk = chunk;
    }
    const slot = bucket - chunkIndex * CHUNK_BUCKETS;
    let offset = lastChunk[slot]!;
    if (offset === NOT_ASKED) {
      offset = utcOffsetOf(format, bucket * OFFSET_BUCKET_MS);
      lastChunk[slot] = offset;
    }
    return offset;
  };
  const dayOf = (instant: number) => Math.floor((instant + offsetAt(instant)) / DAY_MS);
  // local midnight is UTC midnight minus the offset in force then (taken a little after, past any DST jump)
  const startOf = (day: number) => {
    const guess = day * DAY_MS - offsetAt(day * DAY_MS);
    const instant = day * DAY_MS - offsetAt(guess);
    return dayOf(instant) === day ? instant : guess;
  };
  return { timeZone, dayOf, monthStartOf, startOf };
}

/**
 * The instant at which the wall clock of `timeZone` reads `minuteOfDay` on business day `day` (days since
 * 1970-01-01 in that zone). A time a daylight-saving jump skips (02:30 on a spring-forward night) is shifted later
 * by the length of the jump, as java.time does; a time the clock shows twice (autumn) answers the first.
 */
export function wallClockInstant(timeZone: string, day: number, minuteOfDay: number): number {
  const local = day * DAY_MS + minuteOfDay * 60_000;
  if (timeZone === 'UTC') return local;
  const format = wallClockFormat(timeZone);
  const offsetAt = (instant: number) => utcOffsetOf(format, instant);
  // the offsets in force a day before and a day after: no zone changes its offset twice within two days
  const candidates = [offsetAt(local - DAY_MS), offsetAt(local + DAY_MS)].map((offset) => ({ offset, instant: local - offset }));
  const valid = candidates.filter(({ offset, instant }) => offsetAt(instant) === offset).map(({ instant }) => instant);
  return valid.length > 0 ? Math.min(...valid) : candidates[0]!.instant;
}

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

function utcOffsetOf(format: Intl.DateTimeFormat, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wallClockAsUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wallClockAsUtc - (instant - (instant % 1000));
}

function monthStartOf(day: number): number {
  const date = new Date(day * DAY_MS);
  return day - (date.getUTCDate() - 1);
}

/** The ISO date (YYYY-MM-DD) of a business day, for messages. */
export function isoDateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
