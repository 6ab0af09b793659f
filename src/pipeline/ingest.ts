import type { z } from 'zod';
import type { DecodeResult } from '../adapters/registry/avro-decoder.ts';
import type { DeadLetterReason } from '../domain/dead-letter.ts';

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

/** Event times further ahead of the clock than this are a source's clock error, not the future. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/**
 * A transaction stamped far in the future would move the customer's clock ahead and make every later record look
 * late, so it is refused as invalid with the reason.
 */
export function eventTimeProblem(eventTime: number, now: number): string | undefined {
  if (eventTime <= now + MAX_CLOCK_SKEW_MS) return undefined;
  return `eventTime: ${new Date(eventTime).toISOString()} is more than a day ahead of the processing clock (${new Date(now).toISOString()})`;
}
