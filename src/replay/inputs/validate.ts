import type { z } from 'zod';
import type { Rejected } from '../records.ts';

export type Validated<T> = { ok: true; value: T } | { ok: false; detail: string };

/** The record as its schema reads it, or which fields are wrong (the first five, as the service's dead letters say it). */
export function validate<S extends z.ZodType>(schema: S, value: unknown): Validated<z.output<S>> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const detail = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, detail };
}

/** A record a reader could not use: quarantined as `invalid`, with where it was and why. */
export const rejected = (source: string, line: number, detail: string): Rejected => ({ kind: 'rejected', reason: 'invalid', detail, origin: { source, line } });
