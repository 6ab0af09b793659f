import { z } from 'zod';
import { alertKinds, alertSchema, priorities } from './alert.ts';

/**
 * Mirrors avro/RmDigest.avsc: an RM's routine alerts, cut at a local flush time, ranked, with counts. Keyed by the
 * RM queue on the RM digests topic.
 */
export const rmDigestSchema = z.object({
  /** Deterministic: a hash of queue and windowEnd, so a re-send after a crash is recognisably the same digest. */
  digestId: z.string().min(1),
  queue: z.string().min(1),
  rmId: z.string().min(1).nullable(),
  /** The flush time before windowEnd (UTC millis). */
  windowStart: z.number().int(),
  /** The flush time that cut the digest (UTC millis): it holds alerts detected before it. */
  windowEnd: z.number().int(),
  timeZone: z.string().min(1),
  /** Ranked: priority first, then value at stake. At most maxAlertsPerDigest; the rest are in omittedAlertIds. */
  alerts: z.array(alertSchema),
  alertCount: z.number().int().min(1),
  countsByKind: z.array(z.object({ kind: z.enum(alertKinds), count: z.number().int().min(1) })),
  countsByPriority: z.array(z.object({ priority: z.enum(priorities), count: z.number().int().min(1) })),
  omittedAlertIds: z.array(z.string().min(1)),
  rulesVersion: z.string().min(1),
  /** When the digest stage cut it (processing time, UTC millis); a re-send keeps it. */
  createdAt: z.number().int(),
});

export type RmDigest = z.infer<typeof rmDigestSchema>;
