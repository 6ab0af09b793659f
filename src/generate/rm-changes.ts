import type { CustomerProfile } from '../domain/profile.ts';
import { DAY_MS, nextWorkingDay } from './calendar.ts';
import type { Customer } from './model.ts';
import type { Period } from './options.ts';
import { branchIdOf, rmIdOf } from './rms.ts';
import type { Random } from './random.ts';

/**
 * Changes of RM during the period, as profile updates (`profile-updates.jsonl`, the profiles topic). One RM leaves
 * the bank mid-period (two from eight RMs up): every customer of theirs gets an update with `rmStatus: DEPARTED` and
 * the same `rmId`, then, a few working days later household by household, one naming a successor (another RM of the
 * branch when there is one). A few customers (0.5%, at least one household) are handed to another RM on their own.
 * A household always moves together. The reference data at the start (profiles.jsonl) is left as it was.
 */

const HOUR_MS = 3_600_000;
const INDIVIDUAL_REASSIGNMENT_SHARE = 0.005;

interface Book {
  members: readonly Customer[];
  /** The RM's number (from 0). */
  rm: number;
}

/** A profile as changed at `updatedAt` (the rest of the reference data stays as it was at the start). */
const changed = (customer: Customer, updatedAt: number, rm: number, rmStatus: CustomerProfile['rmStatus']): CustomerProfile => ({
  ...customer.profile,
  rmId: rmIdOf(rm),
  branchId: branchIdOf(rm),
  updatedAt,
  rmStatus,
});

/** Households with an RM, in customer order (members of a household are neighbours). */
function booksOf(customers: readonly Customer[], rms: number): Book[] {
  const rmNumber = new Map(Array.from({ length: rms }, (_, rm) => [rmIdOf(rm), rm] as const));
  const books: Book[] = [];
  for (let first = 0; first < customers.length; ) {
    const head = customers[first]!;
    let last = first + 1;
    while (last < customers.length && head.profile.householdId !== null && customers[last]!.profile.householdId === head.profile.householdId) last += 1;
    const rm = head.profile.rmId === null ? undefined : rmNumber.get(head.profile.rmId);
    if (rm !== undefined) books.push({ members: customers.slice(first, last), rm });
    first = last;
  }
  return books;
}

/** A business-hours instant on the first working day from `day`; undefined when that falls after the period. */
function businessInstant(day: number, period: Period, random: Random): number | undefined {
  const working = nextWorkingDay(day);
  const hour = random.int(9, 16);
  return working < period.endDay ? working * DAY_MS + hour * HOUR_MS : undefined;
}

/** `count` distinct items, chosen by a partial seeded shuffle. */
function sample<T>(items: readonly T[], count: number, random: Random): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(random.int(0, pool.length - 1), 1)[0]!);
  return chosen;
}

export function planRmChanges(customers: readonly Customer[], rms: number, period: Period, random: Random): CustomerProfile[] {
  // with a single RM there is nobody to hand a book to
  if (rms < 2) return [];
  const books = booksOf(customers, rms);
  const bookedRms = [...new Set(books.map((book) => book.rm))].sort((left, right) => left - right);
  const departing = new Set(sample(bookedRms, Math.min(rms >= 8 ? 2 : 1, rms - 1), random));
  const staying = Array.from({ length: rms }, (_, rm) => rm).filter((rm) => !departing.has(rm));
  const span = period.endDay - period.startDay;
  const updates: CustomerProfile[] = [];

  for (const leaver of [...departing].sort((left, right) => left - right)) {
    const departedAt = businessInstant(random.int(period.startDay + Math.floor(span * 0.3), period.startDay + Math.floor(span * 0.6)), period, random);
    if (departedAt === undefined) continue;
    const departureDay = Math.floor(departedAt / DAY_MS);
    const sameBranch = staying.filter((rm) => branchIdOf(rm) === branchIdOf(leaver));
    for (const book of books.filter((candidate) => candidate.rm === leaver)) {
      for (const member of book.members) updates.push(changed(member, departedAt, leaver, 'DEPARTED'));
      const handedAt = businessInstant(departureDay + random.int(3, 15), period, random);
      const successor = random.pick(sameBranch.length > 0 ? sameBranch : staying);
      if (handedAt !== undefined) for (const member of book.members) updates.push(changed(member, handedAt, successor, 'ACTIVE'));
    }
  }

  const movable = books.filter((book) => !departing.has(book.rm));
  const individual = Math.max(1, Math.round(customers.length * INDIVIDUAL_REASSIGNMENT_SHARE));
  for (const book of sample(movable, individual, random)) {
    const others = staying.filter((rm) => rm !== book.rm);
    const handedAt = businessInstant(random.int(period.startDay + Math.min(30, Math.floor(span * 0.2)), period.endDay - 1), period, random);
    if (others.length === 0 || handedAt === undefined) continue;
    const successor = random.pick(others);
    for (const member of book.members) updates.push(changed(member, handedAt, successor, 'ACTIVE'));
  }
  // stable: a household's updates at one instant keep customer order
  return updates.sort((left, right) => left.updatedAt - right.updatedAt);
}
