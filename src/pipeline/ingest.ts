import type { z } from 'zod';
import type { DecodeResult } from '../adapters/registry/avro-decoder.ts';
import type { DeadLetterReason } from './dead-letter.ts';

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
