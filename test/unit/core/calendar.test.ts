import { describe, expect, it } from 'vitest';
import { businessCalendar, isoDateOf } from '../../../src/core/calendar.ts';
import { dayNo } from '../../support/core-fixtures.ts';

const prague = businessCalendar('Europe/Prague');
const kathmandu = businessCalendar('Asia/Kathmandu'); // UTC+05:45 all year, no DST
const utc = businessCalendar('UTC');

describe('business days in the rules time zone', () => {
  // expected days derived from the zone's offset at that instant: CET = UTC+1, CEST = UTC+2
  it.each([
    // an ordinary winter day: local midnight is 23:00 UTC the day before
    ['winter: 23:59:59.999 local', '2024-01-14T22:59:59.999Z', '2024-01-14'],
    ['winter: local midnight', '2024-01-14T23:00:00.000Z', '2024-01-15'],
    ['winter: card payment at 00:30 local is that local day, not the UTC one', '2024-01-14T23:30:00.000Z', '2024-01-15'],
    // spring forward on 2024-03-31 (02:00 CET → 03:00 CEST at 01:00 UTC): a 23-hour day
    ['DST spring: last instant of 30 March', '2024-03-30T22:59:59.999Z', '2024-03-30'],
    ['DST spring: midnight opening 31 March (still CET)', '2024-03-30T23:00:00.000Z', '2024-03-31'],
    ['DST spring: 01:59:59 CET, the instant before the jump', '2024-03-31T00:59:59.999Z', '2024-03-31'],
    ['DST spring: 03:00 CEST, the instant of the jump', '2024-03-31T01:00:00.000Z', '2024-03-31'],
    ['DST spring: 23:59:59 CEST on 31 March', '2024-03-31T21:59:59.999Z', '2024-03-31'],
    ['DST spring: midnight opening 1 April (CEST)', '2024-03-31T22:00:00.000Z', '2024-04-01'],
    // fall back on 2024-10-27 (03:00 CEST → 02:00 CET at 01:00 UTC): a 25-hour day
    ['DST autumn: midnight opening 27 October (CEST)', '2024-10-26T22:00:00.000Z', '2024-10-27'],
    ['DST autumn: the second 02:30 (CET)', '2024-10-27T01:30:00.000Z', '2024-10-27'],
    ['DST autumn: 23:59:59 CET on 27 October', '2024-10-27T22:59:59.999Z', '2024-10-27'],
    ['DST autumn: midnight opening 28 October (CET)', '2024-10-27T23:00:00.000Z', '2024-10-28'],
  ])('Europe/Prague, %s', (_, instant, expected) => {
    expect(prague.dayOf(Date.parse(instant))).toBe(dayNo(expected));
    expect(isoDateOf(prague.dayOf(Date.parse(instant)))).toBe(expected);
  });

  it.each([
    ['18:14:59.999 UTC is 23:59:59 local', '2024-01-14T18:14:59.999Z', '2024-01-14'],
    ['18:15 UTC is local midnight', '2024-01-14T18:15:00.000Z', '2024-01-15'],
    ['18:00 UTC is still the old local day (the quarter hour matters)', '2024-01-14T18:00:00.000Z', '2024-01-14'],
    ['06:00 UTC is 11:45 local the same day', '2024-01-15T06:00:00.000Z', '2024-01-15'],
  ])('Asia/Kathmandu (+05:45), %s', (_, instant, expected) => {
    expect(kathmandu.dayOf(Date.parse(instant))).toBe(dayNo(expected));
  });

  it('a DST-change day in Prague spans 23 and 25 hours of instants', () => {
    const hoursOnDay = (day: number, from: number) => {
      let hours = 0;
      for (let instant = from; instant < from + 48 * 3_600_000; instant += 15 * 60_000) if (prague.dayOf(instant) === day) hours += 0.25;
      return hours;
    };
    expect(hoursOnDay(dayNo('2024-03-31'), Date.parse('2024-03-30T12:00:00Z'))).toBe(23);
    expect(hoursOnDay(dayNo('2024-10-27'), Date.parse('2024-10-26T12:00:00Z'))).toBe(25);
    expect(hoursOnDay(dayNo('2024-01-15'), Date.parse('2024-01-14T12:00:00Z'))).toBe(24);
  });

  it('the same instant falls on different days in different zones', () => {
    const instant = Date.parse('2024-06-30T22:30:00Z'); // 00:30 CEST on 1 July, 04:15 in Kathmandu on 1 July, 30 June in UTC
    expect(prague.dayOf(instant)).toBe(dayNo('2024-07-01'));
    expect(kathmandu.dayOf(instant)).toBe(dayNo('2024-07-01'));
    expect(utc.dayOf(instant)).toBe(dayNo('2024-06-30'));
  });

  it.each([
    ['2024-03-15', '2024-03-01'],
    ['2024-03-01', '2024-03-01'],
    ['2024-02-29', '2024-02-01'], // leap day
    ['2023-12-31', '2023-12-01'],
    ['2024-01-01', '2024-01-01'],
    ['1970-01-31', '1970-01-01'],
  ])('monthStartOf(%s) is %s, in every zone', (day, expected) => {
    for (const calendar of [prague, kathmandu, utc]) expect(calendar.monthStartOf(dayNo(day))).toBe(dayNo(expected));
  });

  it('answers from its cache what a fresh calendar answers, in any order of instants (chunks, boundaries, before 1970)', () => {
    const cached = businessCalendar('Europe/Prague');
    const quarter = 15 * 60_000;
    const chunk = 4096 * quarter;
    const instants: number[] = [];
    for (const base of [Date.parse('2024-03-31T00:00:00Z'), Date.parse('2024-10-27T00:00:00Z'), 0, -chunk, 40 * chunk, Date.parse('1950-06-01T00:00:00Z')]) {
      for (const delta of [-chunk - 1, -chunk, -1, 0, 1, quarter - 1, quarter, 3 * 3_600_000 + 7, chunk - 1, chunk]) instants.push(base + delta);
    }
    // interleaved: each ask moves to another chunk, then back
    const order = instants.flatMap((instant, index) => [instant, instants[(index * 7) % instants.length]!]);
    // the day by definition: the wall clock's offset at the start of the instant's quarter hour, straight from Intl
    const format = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Prague', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    const dayByDefinition = (instant: number) => {
      const at = Math.floor(instant / quarter) * quarter;
      const part = (type: string) => Number(format.formatToParts(at).find((each) => each.type === type)!.value);
      const offset = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second')) - (at - (at % 1000));
      return Math.floor((instant + offset) / 86_400_000);
    };
    for (const instant of order) {
      const fresh = businessCalendar('Europe/Prague');
      expect(cached.dayOf(instant)).toBe(dayByDefinition(instant));
      expect(cached.dayOf(instant)).toBe(fresh.dayOf(instant));
      expect(cached.startOf(cached.dayOf(instant))).toBe(fresh.startOf(fresh.dayOf(instant)));
    }
  });

  it('asks alternating between two chunks, and past the chunks it keeps (the cache cleared), answer as a fresh calendar does', () => {
    const cached = businessCalendar('Europe/Prague');
    const chunk = 4096 * 15 * 60_000;
    const firstSeen = Date.parse('2024-03-31T00:59:59Z'); // the night Prague moves its clocks on
    for (let step = 0; step < 70; step += 1) {
      // a close: the day of the customer's first posting, months back, between asks about recent instants
      for (const instant of [firstSeen + step * chunk + 3_600_000, firstSeen, firstSeen + step * chunk + 7_200_001, firstSeen + 1]) {
        expect(cached.dayOf(instant), `step ${step}`).toBe(businessCalendar('Europe/Prague').dayOf(instant));
      }
    }
  });

  it('refuses an instant that is no time, as Intl does', () => {
    for (const instant of [Number.NaN, Number.POSITIVE_INFINITY, 9e15]) expect(() => prague.dayOf(instant)).toThrow(RangeError);
  });
});
