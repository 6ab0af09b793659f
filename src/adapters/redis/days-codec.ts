/**
 * Packs the state's daily flow buckets (`[day, code, amount, code, amount, ...]`, days ascending, every number a
 * non-negative integer) into LEB128 varints, days as gaps from the previous day. A bucket of a typical day
 * (a day number, two codes, two amounts of a few thousand CZK) takes 9 bytes instead of MessagePack's 17, which
 * is what keeps a customer's state within 1 KiB without compressing it. Anything else (a negative number, days
 * out of order) is not packed: the caller stores such buckets as they are.
 */
export function packDays(days: readonly number[][]): Buffer | undefined {
  const bytes: number[] = [];
  let previousDay = 0;
  for (const bucket of days) {
    const day = bucket[0];
    if (day === undefined || !isPackable(day) || day < previousDay) return undefined;
    writeVarint(bytes, day - previousDay);
    previousDay = day;
    writeVarint(bytes, bucket.length - 1);
    for (let index = 1; index < bucket.length; index += 1) {
      const value = bucket[index]!;
      if (!isPackable(value)) return undefined;
      writeVarint(bytes, value);
    }
  }
  return Buffer.from(bytes);
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

const isPackable = (value: number) => Number.isSafeInteger(value) && value >= 0;

export function writeVarint(bytes: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
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
