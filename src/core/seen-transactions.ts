/**
 * The transaction ids a customer's state has applied within the lateness window, so that a re-sent transaction is
 * never applied twice, however many came between (issue 11). A transaction older than the window is refused as
 * too_late anyway, so the set only needs the days a transaction may still land on: the customer's stream day and
 * the `allowedLatenessDays` before it.
 *
 * Kept compact, as the state must stay within about 1 KiB per customer: one bucket per business day with postings,
 * `[day, fingerprint, fingerprint, ...]`, days ascending, each day's 32-bit fingerprints ascending (the Redis codec
 * packs them as 4 bytes each). A re-send is looked for in every kept day, not only its own, so an id re-sent with
 * another event time is caught too.
 *
 * False positives: a new id whose fingerprint equals one of the n ids kept is taken for a re-send with probability
 * about n / 2^32 (2.3e-9 for a customer with 10 postings in the window).
 */
export type SeenDays = number[][];

/** The 32-bit fingerprint of a transaction id. */
export function transactionFingerprint(id: string): number {
  return foldFingerprint(legacyFingerprint(id));
}

export function hasSeen(seen: SeenDays, fingerprint: number): boolean {
  for (const bucket of seen) {
    if (indexIn(bucket, fingerprint) >= 0) return true;
  }
  return false;
}

/** Adds a fingerprint to its business day's bucket (created in day order when the day is new). */
export function rememberSeen(seen: SeenDays, day: number, fingerprint: number): void {
  let at = seen.length;
  while (at > 0 && seen[at - 1]![0]! > day) at -= 1;
  const bucket = seen[at - 1];
  if (bucket === undefined || bucket[0] !== day) {
    seen.splice(at, 0, [day, fingerprint]);
    return;
  }
  const index = indexIn(bucket, fingerprint);
  if (index < 0) bucket.splice(-index - 1, 0, fingerprint);
}

/** Drops the days before `firstKeptDay`: a transaction of those days is too late to be applied at all. */
export function forgetSeenBefore(seen: SeenDays, firstKeptDay: number): void {
  let drop = 0;
  while (drop < seen.length && seen[drop]![0]! < firstKeptDay) drop += 1;
  if (drop > 0) seen.splice(0, drop);
}

/**
 * The set a state written before issue 11 stands for: its (up to 8) latest 52-bit fingerprints, put on `day`
 * (the day of its latest event: they expire with the window that starts from it).
 */
export function seenFromLegacy(fingerprints: readonly number[], day: number): SeenDays {
  const seen: SeenDays = [];
  for (const fingerprint of fingerprints) rememberSeen(seen, day, foldFingerprint(fingerprint));
  return seen;
}

/** The 52-bit fingerprint states kept before (two 32-bit FNV-1a hashes); the 32-bit one is derived from it. */
function legacyFingerprint(id: string): number {
  let low = 0x811c9dc5;
  let high = 0x01000193 ^ id.length;
  for (let index = 0; index < id.length; index += 1) {
    const char = id.charCodeAt(index);
    low = Math.imul(low ^ char, 0x01000193) >>> 0;
    high = Math.imul(high ^ char, 0x0100019d) >>> 0;
  }
  return (high & 0xfffff) * 0x100000000 + low;
}

/** Folds a 52-bit fingerprint to 32 bits with a full avalanche (MurmurHash3's finaliser), so every input bit counts. */
function foldFingerprint(fingerprint: number): number {
  const low = fingerprint >>> 0;
  const high = Math.floor(fingerprint / 0x100000000) >>> 0;
  let hash = (low ^ Math.imul(high, 0x9e3779b1)) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Binary search in a bucket's fingerprints (from index 1): the index, or -(insertion index) - 1. */
function indexIn(bucket: readonly number[], fingerprint: number): number {
  let low = 1;
  let high = bucket.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = bucket[middle]!;
    if (value === fingerprint) return middle;
    if (value < fingerprint) low = middle + 1;
    else high = middle - 1;
  }
  return -low - 1;
}
