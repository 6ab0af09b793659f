import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Producer } from 'kafkajs';
import type { AvroEncoder } from '../adapters/registry/avro-encoder.ts';
import type { ConfigAudit, ConfigKind } from '../domain/config-audit.ts';
import type { Logger } from '../observability/logger.ts';
import type { ReloadTrigger } from './rules-reload.ts';

/**
 * The audit trail of configuration: every file a process puts in force (the rules now, the churn scorecard later:
 * `kind` says which) becomes one ConfigAudit record, logged and published on the audit topic keyed by kind. Who
 * provided it is TIDEWATCH_AUDIT_ACTOR when the deployment says so, else the file owner's uid (a ConfigMap's files
 * are root's, a hand-edited file is its editor's).
 */
export interface ConfigLoad {
  kind: ConfigKind;
  file: string;
  version: string;
  previousVersion: string | null;
  sha256: string;
  trigger: ReloadTrigger;
}

export interface AuditContext {
  /** The process's name on the record (its Kafka client id). */
  process: string;
  /** TIDEWATCH_AUDIT_ACTOR, if set. */
  actor?: string;
  /** Host (pod) name; default: os.hostname(). */
  host?: string;
  clock?: () => number;
}

export function auditRecordOf(load: ConfigLoad, context: AuditContext): ConfigAudit {
  return {
    auditId: randomUUID(),
    kind: load.kind,
    version: load.version,
    previousVersion: load.previousVersion,
    sha256: load.sha256,
    trigger: load.trigger.toUpperCase() as ConfigAudit['trigger'],
    path: load.file,
    host: context.host ?? hostname(),
    process: context.process,
    actor: context.actor ?? fileOwner(load.file),
    loadedAt: (context.clock ?? Date.now)(),
  };
}

function fileOwner(file: string): string | null {
  try {
    return `uid:${statSync(file).uid}`;
  } catch {
    return null;
  }
}

export interface ConfigAuditTrail {
  /** Logs the load at once and publishes it; a publish that fails is logged, never thrown (the rules stay in force). */
  record(load: ConfigLoad): void;
  /** Waits for the records handed over so far to be published (or to have failed). */
  flush(): Promise<void>;
}

export function configAuditTrail(
  deps: { producer: Producer; encoder: () => Promise<AvroEncoder<'audit'>>; topic: string; logger: Logger },
  context: AuditContext,
): ConfigAuditTrail {
  // one at a time, in load order: the single-partition topic then reads in the order the changes were made
  let queue: Promise<void> = Promise.resolve();
  // connected on first use: the registry round trips never delay the service's start
  let encoder: Promise<AvroEncoder<'audit'>> | undefined;
  return {
    record(load) {
      const audit = auditRecordOf(load, context);
      deps.logger.info({ audit }, 'configuration loaded');
      queue = queue.then(async () => {
        try {
          encoder ??= deps.encoder();
          const value = await (await encoder.catch((error: unknown) => {
            encoder = undefined;
            throw error;
          })).encode('audit', audit);
          await deps.producer.send({ topic: deps.topic, acks: -1, messages: [{ key: audit.kind, value, timestamp: String(audit.loadedAt) }] });
        } catch (error) {
          deps.logger.error({ err: error instanceof Error ? error.message : String(error), auditId: audit.auditId, kind: audit.kind, version: audit.version }, 'audit record not published');
        }
      });
    },
    flush: () => queue,
  };
}
