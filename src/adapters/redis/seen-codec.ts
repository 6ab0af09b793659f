import type { SeenDays } from '../../core/seen-transactions.ts';
import { readVarint, writeVarint } from './days-codec.ts';

/**
 * Packs the state's seen transaction ids (`[day, fingerprint, ...]` per day, see core/seen-transactions.ts) as
 * bytes: per day a varint gap from the previous day, a varint count, then the day's 32-bit fingerprints, 4 bytes
 * each, big-endian, ascending (days before 1970 or out of order: not packed, the caller stores the arrays). Fixed width beats varint deltas at a few ids a day (a 32-bit value or gap takes 5
 * varint bytes); a customer with 10 postings in the window costs about 55 bytes.
 */
export function packSeen(seen: SeenDays): Buffer | undefined {
  const bytes: number[] = [];
  let previousDay = 0;
  for (const bucket of seen) {
    const day = bucket[0]!;
    if (!Number.isSafeInteger(day) || day < previousDay) return undefined;
    writeVarint(bytes, day - previousDay);
    writeVarint(bytes, bucket.length - 1);
    previousDay = day;
    for (let index = 1; index < bucket.length; index += 1) {
      const fingerprint = bucket[index]!;
      bytes.push(fingerprint >>> 24, (fingerprint >>> 16) & 0xff, (fingerprint >>> 8) & 0xff, fingerprint & 0xff);
    }
  }
  return Buffer.from(bytes);
}

export function unpackSeen(packed: Uint8Array): SeenDays {
  const view = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const seen: SeenDays = [];
  const cursor = { at: 0 };
  let day = 0;
  while (cursor.at < view.length) {
    day += readVarint(view, cursor);
    const count = readVarint(view, cursor);
    if (cursor.at + 4 * count > view.length) throw new RangeError('packed seen ids end inside a fingerprint');
    const bucket = [day];
    for (let index = 0; index < count; index += 1) bucket.push(view.readUInt32BE(cursor.at + 4 * index));
    cursor.at += 4 * count;
    seen.push(bucket);
  }
  return seen;
}
