import type { SeenDays } from '../../core/seen-transactions.ts';
import { grown, readVarint, writeVarintAt } from './days-codec.ts';

/**
 * Packs the state's seen transaction ids (`[day, fingerprint, ...]` per day, see core/seen-transactions.ts) as
 * bytes: per day a varint gap from the previous day, a varint count, then the day's 32-bit fingerprints, 4 bytes
 * each, big-endian, ascending (days before 1970 or out of order: not packed, the caller stores the arrays). Fixed width beats varint deltas at a few ids a day (a 32-bit value or gap takes 5
 * varint bytes); a customer with 10 postings in the window costs about 55 bytes.
 */
export function packSeen(seen: SeenDays): Buffer | undefined {
  const view = packSeenView(seen);
  return view === undefined ? undefined : Buffer.from(view);
}

/** As packSeen, but a view of this module's scratch buffer (see days-codec.ts): valid only until the next packSeenView. */
export function packSeenView(seen: SeenDays): Buffer | undefined {
  let bytes = seenScratch;
  let at = 0;
  let previousDay = 0;
  for (let index = 0; index < seen.length; index += 1) {
    const bucket = seen[index]!;
    const length = bucket.length;
    const day = bucket[0]!;
    if (!Number.isSafeInteger(day) || day < previousDay) return undefined;
    if (at + 16 + 4 * length > bytes.length) bytes = seenScratch = grown(bytes, at + 16 + 4 * length);
    at = writeVarintAt(bytes, at, day - previousDay);
    at = writeVarintAt(bytes, at, length - 1);
    previousDay = day;
    for (let item = 1; item < length; item += 1) {
      const fingerprint = bucket[item]!;
      bytes[at] = fingerprint >>> 24;
      bytes[at + 1] = fingerprint >>> 16;
      bytes[at + 2] = fingerprint >>> 8;
      bytes[at + 3] = fingerprint;
      at += 4;
    }
  }
  return bytes.subarray(0, at);
}

let seenScratch: Buffer = Buffer.allocUnsafeSlow(1024);

export function unpackSeen(packed: Uint8Array): SeenDays {
  const seen: SeenDays = [];
  const end = packed.length;
  const cursor = { at: 0 };
  let day = 0;
  while (cursor.at < end) {
    day += readVarint(packed, cursor);
    const count = readVarint(packed, cursor);
    let at = cursor.at;
    if (at + 4 * count > end) throw new RangeError('packed seen ids end inside a fingerprint');
    const bucket = [day];
    for (let index = 0; index < count; index += 1) {
      bucket.push(packed[at]! * 0x1000000 + ((packed[at + 1]! << 16) | (packed[at + 2]! << 8) | packed[at + 3]!));
      at += 4;
    }
    cursor.at = at;
    seen.push(bucket);
  }
  return seen;
}
