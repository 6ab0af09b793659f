import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { configAuditSchema } from '../../src/domain/config-audit.ts';
import { businessCalendar } from '../../src/core/calendar.ts';
import { parseRules } from '../../src/core/rules.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { auditRecordOf } from '../../src/service/config-audit.ts';
import { startRulesReloader } from '../../src/service/rules-reload.ts';
import type { RulesLoad } from '../../src/service/rules-reload.ts';

/** What the audit trail is told by the rules reloader, and the record it makes of it. */

const defaultText = readFileSync(fileURLToPath(new URL('../../rules/default.yaml', import.meta.url)), 'utf8');
const withVersion = (version: string) => defaultText.replace(/^version: .*$/m, `version: "${version}"`);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('configuration audit', () => {
  it('is told of the rules in force at start and of each reload, with the hash of the bytes read; not of refused files', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tw-audit-')), 'rules.yaml');
    writeFileSync(file, withVersion('v1'));
    const rules = parseRules(withVersion('v1'), file);
    const core = { rules, calendar: businessCalendar(rules.timeZone), unassignedQueue: 'UNASSIGNED' };
    const loads: RulesLoad[] = [];
    const reloader = startRulesReloader({ file, core, logger: pino({ level: 'silent' }), metrics: createMetrics(), pollIntervalMs: 60_000, signal: null, onLoaded: (load) => loads.push(load) });
    try {
      writeFileSync(file, 'version: [');
      expect(reloader.check('manual')).toBe('refused');
      writeFileSync(file, withVersion('v2'));
      expect(reloader.check('signal')).toBe('reloaded');
      expect(reloader.check('signal')).toBe('unchanged');
    } finally {
      reloader.stop();
    }
    expect(loads).toEqual([
      { file, version: 'v1', previousVersion: null, sha256: sha256(withVersion('v1')), trigger: 'start' },
      { file, version: 'v2', previousVersion: 'v1', sha256: sha256(withVersion('v2')), trigger: 'signal' },
    ]);
  });

  it('makes a record its Avro mirror accepts: the actor given, else the file owner', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tw-audit-')), 'rules.yaml');
    writeFileSync(file, 'x');
    const load = { kind: 'SCORECARD' as const, file, version: 'sc-1', previousVersion: null, sha256: sha256('x'), trigger: 'poll' as const };
    const named = auditRecordOf(load, { process: 'tidewatch', actor: 'release-pipeline', host: 'pod-1', clock: () => 1_700_000_000_000 });
    expect(configAuditSchema.parse(named)).toEqual(named);
    expect(named).toMatchObject({ kind: 'SCORECARD', trigger: 'POLL', host: 'pod-1', actor: 'release-pipeline', loadedAt: 1_700_000_000_000, path: file });
    const owner = auditRecordOf(load, { process: 'tidewatch' });
    expect(owner.actor).toBe(`uid:${process.getuid?.() ?? 0}`);
    expect(owner.auditId).not.toBe(named.auditId);
  });
});
