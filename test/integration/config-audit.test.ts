import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import type { ConfigAudit } from '../../src/domain/config-audit.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startService } from '../../src/service/service.ts';
import type { RunningService } from '../../src/service/service.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, readTopic } from '../support/kafka-io.ts';
import { createServiceTopics, serviceEnv } from '../support/service-env.ts';
import type { ServiceTopics } from '../support/service-env.ts';

/** The audit trail on the real topic: the rules in force at start, then a hot reload, each as one ConfigAudit record. */
describeIntegration('tidewatch run: configuration audit records', (context) => {
  const rulesFile = join(mkdtempSync(join(tmpdir(), 'tw-audit-')), 'rules.yaml');
  const shipped = readFileSync('rules/default.yaml', 'utf8');
  const withVersion = (version: string) => shipped.replace(/^version: .*$/m, `version: "${version}"`);
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  let kafka: Kafka;
  let topics: ServiceTopics;
  let service: RunningService | undefined;

  beforeAll(async () => {
    topics = await createServiceTopics(context, 1);
    kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    writeFileSync(rulesFile, withVersion('audit.test.1'));
    const env = serviceEnv(context, { TIDEWATCH_HTTP_PORT: '0', TIDEWATCH_HTTP_HOST: '127.0.0.1', TIDEWATCH_RULES_FILE: rulesFile, TIDEWATCH_AUDIT_ACTOR: 'release-pipeline' });
    service = await startService(parseEnv(env), createLogger('warn'));
  });

  afterAll(async () => {
    await service?.stop();
  });

  async function auditRecords(count: number): Promise<ConfigAudit[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const records = await readTopic<ConfigAudit>(kafka, context.endpoints.schemaRegistryUrl, topics.audit);
      if (records.length >= count || Date.now() > deadline) {
        expect(records.every((record) => record.key === 'RULES')).toBe(true);
        return records.map((record) => record.value);
      }
      await new Promise((wait) => setTimeout(wait, 500));
    }
  }

  it('records the rules in force at start, then each reload, with hash, source, actor and time', { timeout: 120_000 }, async () => {
    const [started] = await auditRecords(1);
    expect(started).toMatchObject({
      kind: 'RULES',
      version: 'audit.test.1',
      previousVersion: null,
      sha256: sha256(withVersion('audit.test.1')),
      trigger: 'START',
      path: rulesFile,
      host: hostname(),
      actor: 'release-pipeline',
    });
    expect(Math.abs(started!.loadedAt - Date.now())).toBeLessThan(120_000);

    // a hot reload: the poll (every 2 s) picks the new file up
    writeFileSync(rulesFile, withVersion('audit.test.2'));
    const records = await auditRecords(2);
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({
      kind: 'RULES',
      version: 'audit.test.2',
      previousVersion: 'audit.test.1',
      sha256: sha256(withVersion('audit.test.2')),
      trigger: 'POLL',
      actor: 'release-pipeline',
    });
    expect(records[1]!.auditId).not.toBe(records[0]!.auditId);
    expect(records[1]!.loadedAt).toBeGreaterThanOrEqual(records[0]!.loadedAt);
  });
});
