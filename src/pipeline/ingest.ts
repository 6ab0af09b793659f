import type { z } from 'zod';
import type { DecodeResult } from '../adapters/registry/avro-decoder.ts';
import type { InputRules } from '../core/rules.ts';
import type { DeadLetterReason } from '../domain/dead-letter.ts';
import type { Transaction } from '../domain/transaction.ts';

export type Admission<T> = { admitted: true; value: T } | { admitted: false; reason: DeadLetterReason; detail: string };

/** A decoded record is admitted only if it satisfies the domain schema; otherwise it says which fields are wrong. */
export function admit<T>(decoded: DecodeResult, schema: z.ZodType<T>): Admission<T> {
  if (!decoded.ok) return { admitted: false, reason: decoded.reason, detail: decoded.detail };
  const parsed = schema.safeParse(decoded.value);
  if (parsed.success) return { admitted: true, value: parsed.data };
  const detail = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`)
    .join('; ');
  return { admitted: false, reason: 'invalid', detail };
}

/**
 * As `admit`, with a hand check first: `knownShape` answers the value the schema would for a record of the usual
 * shape (and never accepts what the schema refuses), undefined for anything else, which the schema then judges, so
 * that every refusal and its reason stay the schema's own. zod cost about 2 µs a record (issue 12 item 4).
 */
export function admitKnown<T>(decoded: DecodeResult, schema: z.ZodType<T>, knownShape: (value: unknown) => T | undefined): Admission<T> {
  if (decoded.ok) {
    const known = knownShape(decoded.value);
    if (known !== undefined) return { admitted: true, value: known };
  }
  return admit(decoded, schema);
}

/** Event times further ahead of the clock than this (by default) are a source's clock error, not the future. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

type TimeBounds = Pick<InputRules, 'earliestEventTime' | 'maxAheadHours'>;

const DEFAULT_TIME_BOUNDS: TimeBounds = { earliestEventTime: '1990-01-01T00:00:00Z', maxAheadHours: MAX_CLOCK_SKEW_MS / 3_600_000 };

/**
 * A record stamped far in the future would move the customer's clock ahead and make every later record look late;
 * one before the rules' earliest instant (1970 from a zero, a default date) would open a new customer's history
 * decades ago. Either is refused as invalid with the reason.
 */
export function eventTimeProblem(eventTime: number, now: number, bounds: TimeBounds = DEFAULT_TIME_BOUNDS): string | undefined {
  const earliest = earliestOf(bounds.earliestEventTime);
  if (eventTime < earliest) return `eventTime: ${new Date(eventTime).toISOString()} is before the rules' input.earliestEventTime (${bounds.earliestEventTime})`;
  if (eventTime <= now + bounds.maxAheadHours * 3_600_000) return undefined;
  return `eventTime: ${new Date(eventTime).toISOString()} is more than ${bounds.maxAheadHours} h ahead of the processing clock (${new Date(now).toISOString()})`;
}

/** The rules' earliest instant parsed once per text, not once per record (a rules reload brings another text). */
let earliestText: string | undefined;
let earliestMillis = Number.NaN;
function earliestOf(text: string): number {
  if (text !== earliestText) {
    earliestMillis = Date.parse(text);
    earliestText = text;
  }
  return earliestMillis;
}

/** A transaction outside the rules' plausible range (amount, event time), as the dead letter's detail; undefined if plausible. */
export function transactionProblem(transaction: Pick<Transaction, 'amountMinor' | 'eventTime'>, now: number, bounds: InputRules): string | undefined {
  if (transaction.amountMinor < bounds.minAmountMinor) return `amountMinor: ${transaction.amountMinor} is below the rules' input.minAmountMinor (${bounds.minAmountMinor})`;
  if (transaction.amountMinor > bounds.maxAmountMinor) return `amountMinor: ${transaction.amountMinor} is above the rules' input.maxAmountMinor (${bounds.maxAmountMinor})`;
  return eventTimeProblem(transaction.eventTime, now, bounds);
}
