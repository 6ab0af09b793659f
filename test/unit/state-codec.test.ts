import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { packSeen, unpackSeen } from '../../src/adapters/redis/seen-codec.ts';
import { decodeState, encodeState } from '../../src/adapters/redis/state-codec.ts';
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
