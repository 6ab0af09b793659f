import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { packDays, unpackDays } from '../../src/adapters/redis/days-codec.ts';
import { packSeen, unpackSeen } from '../../src/adapters/redis/seen-codec.ts';
import { decodeState, encodeState } from '../../src/adapters/redis/state-codec.ts';
import { CorruptStoredValueError, decodeStoredState, encodeStoredState } from '../../src/adapters/redis/state-store.ts';
import { DAY_MS } from '../../src/core/calendar.ts';
import { hasSeen, transactionFingerprint } from '../../src/core/seen-transactions.ts';
import { customerState, realisticCustomerState } from '../support/state-store-contract.ts';

const seenDays = fc
  .uniqueArray(fc.integer({ min: 0, max: 60_000 }), { maxLength: 12 })
  .chain((days) =>
    fc.tuple(...days.sort((a, b) => a - b).map((day) => fc.uniqueArray(fc.nat({ max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 40 }).map((fps) => [day, ...fps.sort((a, b) => a - b)]))),
  );

describe('seen transaction ids in the stored state (issue 11)', () => {
  it('pack and unpack to the same days and fingerprints', () => {
    fc.assert(
      fc.property(seenDays, (seen) => {
        expect(unpackSeen(packSeen(seen)!)).toEqual(seen);
      }),
    );
  });

  it('cost 4 bytes a fingerprint and about 2 a day', () => {
    const seen = [[20_300, 1, 2], [20_301, 3], [20_305, 4, 5, 6]];
    expect(packSeen(seen)!.length).toBe(3 + 1 + 8 + 2 + 4 + 2 + 12);
  });

  it('round-trip through the state codec, a realistic customer included', () => {
    const realistic = realisticCustomerState('c-1');
    expect(decodeState(encodeState(realistic))).toEqual(realistic);
    const unpackable = customerState('c-2', { seenTransactions: [[-3, 7]] });
    expect(decodeState(encodeState(unpackable))).toEqual(unpackable);
  });

  it('read a layout-1 state (8 latest 52-bit fingerprints) as those ids seen on its latest day', () => {
    const state = customerState('c-1');
    const ids = ['c-1-t7', 'c-1-t8'];
    const layout1 = new Packr({ useRecords: false, variableMapSize: true }).unpack(encodeState(state)) as unknown[];
    layout1[0] = 1;
    layout1[5] = ids.map(legacyFingerprint);
    const decoded = decodeState(new Packr({ useRecords: false, variableMapSize: true }).pack(layout1));
    expect(decoded.seenTransactions.map(([day]) => day)).toEqual([Math.floor(state.streamTime / DAY_MS)]);
    for (const id of ids) expect(hasSeen(decoded.seenTransactions, transactionFingerprint(id))).toBe(true);
    expect({ ...decoded, seenTransactions: state.seenTransactions }).toEqual(state);
  });
});

/** The fingerprint a layout-1 state kept (src/core/features.ts fingerprintOf before issue 11). */
function legacyFingerprint(id: string): number {
  let low = 0x811c9dc5;
  let high = 0x01000193 ^ id.length;
  for (let index = 0; index < id.length; index += 1) {
    low = Math.imul(low ^ id.charCodeAt(index), 0x01000193) >>> 0;
    high = Math.imul(high ^ id.charCodeAt(index), 0x0100019d) >>> 0;
  }
  return (high & 0xfffff) * 0x100000000 + low;
}

describe('fields appended to the stored state', () => {
  it('keep the idle-funds episode and the pending tier days, and leave them out when there are none', () => {
    const told = customerState('c-1', { idleTold: 20_301, tiersPending: [20_300] });
    expect(decodeState(encodeState(told))).toEqual(told);
    const onlyIdle = customerState('c-1', { idleTold: 20_301 });
    expect(decodeState(encodeState(onlyIdle))).toEqual(onlyIdle);
    const none = customerState('c-1');
    expect(decodeState(encodeState(none))).toEqual(none);
    expect('idleTold' in decodeState(encodeState(none))).toBe(false);
    expect(encodeState(none).length).toBeLessThan(encodeState(onlyIdle).length);
  });

  it('keep the accounts first seen after the first day; a state written before them decodes without any', () => {
    const opened = customerState('c-1', { accountsOpened: { 'a-2': [20_310, 6_000_000] } });
    expect(decodeState(encodeState(opened))).toEqual(opened);
    const withoutOpened = customerState('c-1', { idleTold: 20_301 });
    expect('accountsOpened' in decodeState(encodeState(withoutOpened))).toBe(false);
    // only idleTold after the pending days, as states were stored before the field: one element shorter
    expect(encodeState(opened).length).toBeGreaterThan(encodeState(withoutOpened).length);
  });
});

/**
 * The stored bytes as the codec wrote them before issue 12 item 4 made it write into scratch buffers (a number[] per
 * packed field, Buffer.concat of the head and the record): kept here to pin that the bytes did not change, so an
 * instance of either version reads what the other wrote (a rolling upgrade, or a roll back, with states in Redis).
 */
const reference = {
  writeVarint(bytes: number[], value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
  },
  packable: (value: number) => Number.isSafeInteger(value) && value >= 0,
  packDays(days: readonly number[][]): Buffer | undefined {
    const bytes: number[] = [];
    let previousDay = 0;
    for (const bucket of days) {
      const day = bucket[0];
      if (day === undefined || !reference.packable(day) || day < previousDay) return undefined;
      reference.writeVarint(bytes, day - previousDay);
      previousDay = day;
      reference.writeVarint(bytes, bucket.length - 1);
      for (let index = 1; index < bucket.length; index += 1) {
        if (!reference.packable(bucket[index]!)) return undefined;
        reference.writeVarint(bytes, bucket[index]!);
      }
    }
    return Buffer.from(bytes);
  },
  packSeen(seen: readonly number[][]): Buffer | undefined {
    const bytes: number[] = [];
    let previousDay = 0;
    for (const bucket of seen) {
      const day = bucket[0]!;
      if (!Number.isSafeInteger(day) || day < previousDay) return undefined;
      reference.writeVarint(bytes, day - previousDay);
      reference.writeVarint(bytes, bucket.length - 1);
      previousDay = day;
      for (let index = 1; index < bucket.length; index += 1) {
        const fingerprint = bucket[index]!;
        bytes.push(fingerprint >>> 24, (fingerprint >>> 16) & 0xff, (fingerprint >>> 8) & 0xff, fingerprint & 0xff);
      }
    }
    return Buffer.from(bytes);
  },
};

const anyDays = fc.array(fc.array(fc.oneof(fc.nat({ max: 200 }), fc.nat(), fc.maxSafeInteger(), fc.integer({ min: -5, max: 5 }), fc.constant(2 ** 53)), { maxLength: 9 }), { maxLength: 60 });
const ascendingDays = fc
  .array(fc.tuple(fc.nat({ max: 3 }), fc.array(fc.oneof(fc.nat({ max: 127 }), fc.nat({ max: 2 ** 21 }), fc.nat(), fc.maxSafeInteger()), { maxLength: 8 })), { maxLength: 120 })
  .map((buckets) => {
    let day = 19_000;
    return buckets.map(([gap, rest]) => [(day += gap), ...rest.map((value) => Math.abs(value))]);
  });

describe('the codec writing into scratch buffers (issue 12 item 4)', () => {
  it('packs days and seen ids to the very bytes of the previous codec, packable or not', () => {
    fc.assert(
      fc.property(fc.oneof(anyDays, ascendingDays), (days) => {
        const packed = packDays(days);
        expect(packed).toEqual(reference.packDays(days));
        if (packed !== undefined) expect(unpackDays(packed)).toEqual(days);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(seenDays, (seen) => {
        expect(packSeen(seen)).toEqual(reference.packSeen(seen));
      }),
    );
    expect(packSeen([[-3, 7]])).toBeUndefined();
    expect(packDays([[20_300, 1, -1]])).toBeUndefined();
    expect(packDays([[20_300, 1, 0.5]])).toBeUndefined();
    expect(packDays([[20_301], [20_300]])).toBeUndefined();
  });

  it('writes gaps, counts and amounts at the edges of their short forms as the previous codec did (live-speed-4)', () => {
    const edges = [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
    const cases: number[][][] = [
      // day gaps below and from 128 (the first day is a gap from 0), every edge as an amount
      [[0x7f, ...edges], [0x7f + 0x7f, 1], [0x7f + 0x7f + 0x80, 2], [0x7f + 0x7f + 0x80 + 0x4000, 3]],
      // a bucket of 127, 128 and 300 numbers: the count's one-byte form and its longer one
      [[20_000, ...Array.from({ length: 127 }, (_, index) => index)], [20_001, ...Array.from({ length: 128 }, (_, index) => 1_000 * index)], [20_002, ...Array.from({ length: 300 }, () => 2 ** 40)]],
      // a day alone, a zero amount, -0 (stored as 0 by both)
      [[19_000], [19_000, 0, -0]],
    ];
    for (const days of cases) {
      const packed = packDays(days);
      expect(packed).toEqual(reference.packDays(days));
      expect(unpackDays(packed!)).toEqual(days.map((bucket) => bucket.map((value) => (Object.is(value, -0) ? 0 : value))));
    }
    // not packable, wherever in a bucket or in the days it comes: a bucket without a day, a negative or fractional
    // number, a number beyond 2^53, a day before 1970
    for (const days of [[[20_000, 1, 2], []], [[20_000, 1, 2], [20_001, 3, -1]], [[20_000, 0x80, 0.5]], [[20_000, 1, 2 ** 53]], [[-1, 1, 2]], [[20_000, 2 ** 32 + 0.5]]]) {
      expect(packDays(days)).toBeUndefined();
      expect(reference.packDays(days)).toBeUndefined();
    }
  });

  it('stores a state as `<rev>|s` and the record, byte for byte as before, and reads it back', () => {
    const states = [realisticCustomerState('c-1'), customerState('c-2', { rev: 9_007_199_254_740_991 }), customerState('c-3', { seenTransactions: [[-3, 7]], days: [[5, -1]] })];
    for (const state of states) {
      const stored = encodeStoredState(state);
      expect(stored).toEqual(Buffer.concat([Buffer.from(`${state.rev}|`, 'latin1'), Buffer.of(0x73), encodeState(state)]));
      expect(decodeStoredState('k', stored)).toEqual({ rev: state.rev, state });
    }
    // the record as the previous codec built it (its packed fields from number[]), decoded by this one
    const realistic = realisticCustomerState('c-4');
    const previous = new Packr({ useRecords: false, variableMapSize: true }).unpack(encodeState(realistic)) as unknown[];
    previous[5] = reference.packSeen(realistic.seenTransactions);
    previous[10] = reference.packDays(realistic.days);
    const packedBefore = new Packr({ useRecords: false, variableMapSize: true }).pack(previous);
    expect(Buffer.from(encodeState(realistic))).toEqual(Buffer.from(packedBefore));
    expect(decodeState(packedBefore)).toEqual(realistic);
  });

  it('writes the revision head digit by digit as `String(rev)` spells it, at every length (live-speed-6)', () => {
    const revs = [0, 1, 9, 10, 99, 100, 999, 1_000, 123_456_789, 2 ** 31, 2 ** 32, 999_999_999_999_999, 1_000_000_000_000_000, 2 ** 53 - 1];
    for (const rev of revs) {
      const state = customerState('c-1', { rev });
      const stored = encodeStoredState(state);
      expect(stored.toString('latin1', 0, String(rev).length + 2)).toBe(`${rev}|s`);
      expect(stored.subarray(String(rev).length + 2)).toEqual(Buffer.from(encodeState(state)));
    }
    // a revision no store writes (refused by assertValidWrite) is still spelled as before
    for (const rev of [-1, 1.5, 2 ** 53]) {
      const stored = encodeStoredState(customerState('c-1', { rev }));
      expect(stored.toString('latin1', 0, `${rev}|s`.length)).toBe(`${rev}|s`);
    }
  });

  it('gives every state bytes of its own: the next encode reuses no buffer the previous one returned', () => {
    const first = realisticCustomerState('c-1');
    const second = customerState('c-2', { days: [[20_000, 1, 5], [20_001, 2, 7]], seenTransactions: [[20_001, 9]] });
    const one = encodeStoredState(first);
    const copy = Buffer.from(one);
    const two = encodeStoredState(second);
    expect(one).toEqual(copy);
    expect(decodeStoredState('k', one).state).toEqual(first);
    expect(decodeStoredState('k', two).state).toEqual(second);
  });

  it('keeps every value intact across msgpackr moving on to its next pack buffer, again and again (live-speed-5)', () => {
    // about 1.5 MB of values: msgpackr's 256 KiB buffer fills and is replaced several times while the first are held
    const states = Array.from({ length: 2_000 }, (_, index) => realisticCustomerState(`c-${index}`));
    const values = states.map((state) => encodeStoredState(state));
    const copies = values.map((value) => Buffer.from(value));
    expect(values.reduce((bytes, value) => bytes + value.length, 0)).toBeGreaterThan(4 * 256 * 1024);
    expect(new Set(values.map((value) => value.buffer)).size).toBeGreaterThan(1);
    values.forEach((value, index) => expect(value.equals(copies[index]!)).toBe(true));
    expect(decodeStoredState('k', values[0]!).state).toEqual(states[0]);
    expect(decodeStoredState('k', values.at(-1)!).state).toEqual(states.at(-1));
  });

  it('grows its scratch buffers for a state beyond their size', () => {
    const days = Array.from({ length: 2_000 }, (_, index) => [20_000 + index, 1, 2 ** 40 + index, 5, 123_456]);
    const seenTransactions = Array.from({ length: 400 }, (_, index) => [20_000 + index, 1, 2, 3, 4_000_000_000]);
    const big = customerState('c-big', { days, seenTransactions });
    expect(decodeStoredState('k', encodeStoredState(big)).state).toEqual(big);
    expect(decodeStoredState('k', encodeStoredState(realisticCustomerState('c-1'))).state).toEqual(realisticCustomerState('c-1'));
  });

  it('reads the revision head as the Lua scripts do: 1 to 16 digits, no leading zero, then `|`', () => {
    const record = Buffer.concat([Buffer.of(0x73), encodeState(customerState('c-1', { rev: 1_234_567_890_123_456 }))]);
    expect(decodeStoredState('k', Buffer.concat([Buffer.from('1234567890123456|'), record])).rev).toBe(1_234_567_890_123_456);
    for (const head of ['', '|', '0|', '01234567890123456|', '12345678901234567|', '12a|', '-1|', '1 |', '1']) {
      expect(() => decodeStoredState('k', Buffer.concat([Buffer.from(head), record]))).toThrow(CorruptStoredValueError);
    }
    // a revision the head does not match is refused too
    expect(() => decodeStoredState('k', Buffer.concat([Buffer.from('7|'), record]))).toThrow(/does not carry the stored revision 7/);
  });
});
