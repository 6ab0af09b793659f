import { Packr, RESERVE_START_SPACE } from 'msgpackr';
import { DAY_MS } from '../../core/calendar.ts';
import type { CustomerState } from '../../core/state.ts';
import { seenFromLegacy } from '../../core/seen-transactions.ts';
import { packDaysView, unpackDays } from './days-codec.ts';
import { packSeenView, unpackSeen } from './seen-codec.ts';

/**
 * The customer state as stored: a MessagePack array in a fixed field order (no field names, ~150 bytes saved per
 * customer), its daily flow buckets packed as varints. A field added to CustomerState is appended at the end;
 * `fromStored` gives fields missing from an older record their initial value, so old records stay readable.
 *
 *   [layout 2, customerId, rev, partition, appliedOffset, seenTransactions (bytes, see seen-codec.ts), firstSeenAt, streamTime,
 *    lastActivityAt, accounts, days (varint bytes, or arrays when not packable), [dormancy.since, dormancy.stage],
 *    cooldowns, outbox, evaluatedDay, upgradeTold, churn, rfm, lastInvestmentAt, watchUntil, suppressed,
 *    regularIncome, products, downgradeTold, balanceMismatches, tiersPending ([] when none), idleTold (null when none),
 *    accountsOpened (null when none), months (null when none)]
 *
 * Layout 1 (before issue 11) held the 8 latest 52-bit transaction fingerprints at index 5: they are read as seen
 * on the (UTC) day of the state's stream time.
 */
const LAYOUT = 2;
const LEGACY_LAYOUT = 1;
const packr = new Packr({ useRecords: false, variableMapSize: true });
/**
 * msgpackr packs into one buffer shared by all its Packr instances and answers views of it; when the buffer is nearly
 * full it allocates the next one, of the same size, as an unpooled ArrayBuffer (8 KiB by default: one per ten states).
 * Handing it a larger first one makes every later one that size: one allocation per few hundred states instead. The
 * values are sent to Redis and dropped, so no view keeps a buffer alive for long.
 */
const PACK_BUFFER_BYTES = 256 * 1024;
packr.useBuffer(Buffer.allocUnsafeSlow(PACK_BUFFER_BYTES));

/**
 * The state's record; `headroom` (below 256) bytes are left free at the start for the caller to fill (the stored
 * value's `<rev>|s` head: written there, the record needs no copy behind it).
 */
export function encodeState(state: CustomerState, headroom = 0): Buffer {
  // the packed seen ids and days are views of their packers' scratch buffers: packed (copied) before the next state
  const record = [
    LAYOUT,
    state.customerId,
    state.rev,
    state.partition,
    state.appliedOffset,
    packSeenView(state.seenTransactions) ?? state.seenTransactions,
    state.firstSeenAt,
    state.streamTime,
    state.lastActivityAt,
    state.accounts,
    packDaysView(state.days) ?? state.days,
    [state.dormancy.since, state.dormancy.stage],
    state.cooldowns,
    state.outbox,
    state.evaluatedDay,
    state.upgradeTold,
    state.churn,
    state.rfm,
    state.lastInvestmentAt,
    state.watchUntil,
    state.suppressed,
    state.regularIncome,
    state.products,
    state.downgradeTold,
    state.balanceMismatches,
    state.tiersPending ?? [],
    state.idleTold ?? null,
    state.accountsOpened ?? null,
    state.months ?? null,
  ];
  // trailing fields at their initial value are left out (decodeState restores them): most customers never need them
  while (record.length > FIELDS_ALWAYS_STORED && isInitial(record[record.length - 1])) record.pop();
  if (headroom === 0) return packr.pack(record);
  if (!Number.isInteger(headroom) || headroom < 0 || headroom > 0xff) throw new RangeError(`headroom must be 0 to 255 bytes, got ${headroom}`);
  return packr.pack(record, RESERVE_START_SPACE | headroom);
}

/** Fields up to `products` are always written (older readers expect at least them). */
const FIELDS_ALWAYS_STORED = 23;
const isInitial = (value: unknown) => value === null || value === 0 || (Array.isArray(value) && value.length === 0);

export class StoredStateShapeError extends Error {
  override readonly name = 'StoredStateShapeError';
}

/** Decodes what `encodeState` wrote; throws on anything else (the caller names the key). */
export function decodeState(bytes: Uint8Array): CustomerState {
  const record: unknown = packr.unpack(bytes);
  if (!Array.isArray(record) || (record[0] !== LAYOUT && record[0] !== LEGACY_LAYOUT) || record.length < 14) {
    throw new StoredStateShapeError(`not a layout-${LAYOUT} (or ${LEGACY_LAYOUT}) state record`);
  }
  const days = record[10] instanceof Uint8Array ? unpackDays(record[10]) : record[10];
  const dormancy = record[11] as [number, number];
  const length = record.length;
  // one object literal of a fixed shape, the optional fields assigned after it (in their order, as before)
  const state = {
    v: 1,
    customerId: record[1],
    rev: record[2],
    partition: record[3],
    appliedOffset: record[4],
    seenTransactions: seenOf(record),
    firstSeenAt: record[6],
    streamTime: record[7],
    lastActivityAt: record[8],
    accounts: record[9],
    days,
    dormancy: { since: dormancy[0], stage: dormancy[1] },
    cooldowns: record[12],
    outbox: record[13],
    evaluatedDay: length > 14 ? record[14] : 0,
    upgradeTold: length > 15 ? record[15] : null,
    churn: length > 16 ? record[16] : null,
    rfm: length > 17 ? record[17] : null,
    lastInvestmentAt: length > 18 ? record[18] : null,
    watchUntil: length > 19 ? record[19] : null,
    suppressed: length > 20 ? record[20] : {},
    regularIncome: length > 21 ? record[21] : null,
    products: length > 22 ? record[22] : { applied: null, maturities: [] },
    downgradeTold: length > 23 ? record[23] : null,
    balanceMismatches: length > 24 ? record[24] : 0,
  } as CustomerState;
  if (length > 25 && (record[25] as number[]).length > 0) state.tiersPending = record[25];
  if (length > 26 && record[26] !== null) state.idleTold = record[26];
  if (length > 27 && record[27] !== null) state.accountsOpened = record[27];
  if (length > 28 && record[28] !== null) state.months = record[28];
  return state;
}

function seenOf(record: unknown[]) {
  const seen = record[5];
  if (record[0] === LEGACY_LAYOUT) return seenFromLegacy(seen as number[], Math.floor((record[7] as number) / DAY_MS));
  return seen instanceof Uint8Array ? unpackSeen(seen) : seen;
}
