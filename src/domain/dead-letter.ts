import { z } from 'zod';

/** Mirrors avro/DeadLetter.avsc: a quarantined input record, its original bytes, where it came from and why. */
export const deadLetterReasons = ['undecodable', 'unknown_schema', 'invalid', 'too_late', 'unsupported_currency'] as const;

export const deadLetterRecordSchema = z.object({
  reason: z.enum(deadLetterReasons),
  detail: z.string(),
  sourceTopic: z.string().min(1),
  sourcePartition: z.number().int().nonnegative(),
  sourceOffset: z.number().int().nonnegative(),
  /** Original key and value bytes, untouched, so the record can be inspected and re-driven as it was. */
  key: z.instanceof(Buffer).nullable(),
  value: z.instanceof(Buffer).nullable(),
  failedAt: z.number().int(),
});

export type DeadLetterReason = (typeof deadLetterReasons)[number];
export type DeadLetterRecord = z.infer<typeof deadLetterRecordSchema>;
