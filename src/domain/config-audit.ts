import { z } from 'zod';

/** Mirrors avro/ConfigAudit.avsc: a configuration file a process loaded, for the audit topic. */
export const configKinds = ['RULES', 'SCORECARD'] as const;
export const configTriggers = ['START', 'POLL', 'SIGNAL', 'MANUAL'] as const;

export const configAuditSchema = z.object({
  auditId: z.string().min(1),
  kind: z.enum(configKinds),
  version: z.string().min(1),
  previousVersion: z.string().min(1).nullable(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  trigger: z.enum(configTriggers),
  path: z.string().min(1),
  host: z.string().min(1),
  process: z.string().min(1),
  actor: z.string().min(1).nullable(),
  /** When it was put in force: UTC millis. */
  loadedAt: z.number().int().nonnegative(),
});

export type ConfigAudit = z.infer<typeof configAuditSchema>;
export type ConfigKind = (typeof configKinds)[number];
