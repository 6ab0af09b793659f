import type { z } from 'zod';

/** A record the generator made that its schema rejects: a bug in the generator, never written anywhere. */
export class GeneratorBugError extends Error {
  override readonly name = 'GeneratorBugError';
}

/** The record as its schema reads it, or a GeneratorBugError naming the record and every offending field. */
export function validated<S extends z.ZodType>(schema: S, record: unknown, what: string): z.output<S> {
  const result = schema.safeParse(record);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new GeneratorBugError(`generated ${what} fails its schema: ${problems.join('; ')}\n  ${JSON.stringify(record)}`);
}
