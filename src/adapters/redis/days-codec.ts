/**
 * Packs the state's daily flow buckets (`[day, code, amount, code, amount, ...]`, days ascending, every number a
 * non-negative integer) into LEB128 varints, days as gaps from the previous day. A bucket of a typical day
 * (a day number, two codes, two amounts of a few thousand CZK) takes 9 bytes instead of MessagePack's 17, which
 * is what keeps a customer's state within 1 KiB without compressing it. Anything else (a negative number, days
 * out of order) is not packed: the caller stores such buckets as they are.
 *
 * The packers write into a scratch buffer of their module, reused from one state to the next, and the state codec
 * takes a view of it (`packDaysView`), valid until the next call: MessagePack copies it into the record at once.
 * Building a `number[]` and copying it into a Buffer was most of a state's encoding cost (issue 12 item 4).
 */
export function packDays(days: readonly number[][]): Buffer | undefined {
  const view = packDaysView(days);
  return view === undefined ? undefined : Buffer.from(view);
}

/** As packDays, but a view of the scratch buffer: valid only until the next packDaysView. */
export function packDaysView(days: readonly number[][]): Buffer | undefined {
  let bytes = daysScratch;
  let at = 0;
  let previousDay = 0;
  for (let index = 0; index < days.length; index += 1) {
    const bucket = days[index]!;
    const length = bucket.length;
    if (length === 0) return undefined;
    const day = bucket[0]!;
    if (day < previousDay || !isPackable(day)) return undefined;
    // a varint takes at most 8 bytes (below 2^53): the bucket's day gap, its length and its numbers
    if (at + 8 * (length + 1) > bytes.length) bytes = daysScratch = grown(bytes, at + 8 * (length + 1));
    // the gap and the count are mostly below 128, the amounts below 2^32: one byte, or shifts, written here
    const gap = day - previousDay;
    previousDay = day;
    if (gap < 0x80) bytes[at++] = gap;
    else at = writeVarintAt(bytes, at, gap);
    const count = length - 1;
    if (count < 0x80) bytes[at++] = count;
    else at = writeVarintAt(bytes, at, count);
    for (let item = 1; item < length; item += 1) {
      const value = bucket[item]!;
      if (value >>> 0 === value) {
        let rest = value;
        while (rest >= 0x80) {
          bytes[at++] = (rest & 0x7f) | 0x80;
          rest >>>= 7;
        }
        bytes[at++] = rest;
      } else if (Number.isSafeInteger(value) && value >= 0) at = writeVarintAt(bytes, at, value);
      else return undefined;
    }
  }
  return bytes.subarray(0, at);
}

let daysScratch: Buffer = Buffer.allocUnsafeSlow(4096);

/** A larger scratch buffer holding the first bytes of `bytes` (the caller keeps writing after them). */
export function grown(bytes: Buffer, needed: number): Buffer {
  const larger = Buffer.allocUnsafeSlow(Math.max(needed, 2 * bytes.length));
  bytes.copy(larger);
  return larger;
}

export function unpackDays(packed: Uint8Array): number[][] {
  const days: number[][] = [];
  const cursor = { at: 0 };
  let day = 0;
  while (cursor.at < packed.length) {
    day += readVarint(packed, cursor);
    const length = readVarint(packed, cursor);
    const bucket = [day];
    for (let index = 0; index < length; index += 1) bucket.push(readVarint(packed, cursor));
    days.push(bucket);
  }
  return days;
}

/** Whether a value is stored as a varint: a non-negative safe integer (a uint32 answers at the first test). */
const isPackable = (value: number) => value >>> 0 === value || (Number.isSafeInteger(value) && value >= 0);

/**
 * Writes a non-negative safe integer as a varint at `at` (room for 8 bytes is the caller's); answers the position
 * after it. Below 2^32 it shifts; above, it divides (bit operations are 32-bit).
 */
export function writeVarintAt(bytes: Uint8Array, at: number, value: number): number {
  let rest = value;
  let position = at;
  while (rest > 0xffffffff) {
    bytes[position++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  while (rest >= 0x80) {
    bytes[position++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  bytes[position++] = rest;
  return position;
}

export function readVarint(bytes: Uint8Array, cursor: { at: number }): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[cursor.at];
    if (byte === undefined) throw new RangeError('packed days end inside a number');
    cursor.at += 1;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
    if (scale > 2 ** 56) throw new RangeError('packed days hold a number beyond 2^53');
  }
}
