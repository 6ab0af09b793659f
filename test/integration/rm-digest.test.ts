import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { digestKey } from '../../src/adapters/redis/keys.ts';
import { parseEnv } from '../../src/config/env.ts';
import { wallClockInstant } from '../../src/core/calendar.ts';
import { digestIdOf } from '../../src/core/digest.ts';
import { digestScopeOf } from '../../src/digest/deps.ts';
import { startDigestStage } from '../../src/digest/stage.ts';
import type { RunningDigestStage } from '../../src/digest/stage.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { RmDigest } from '../../src/domain/digest.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startService } from '../../src/service/service.ts';
import type { RunningService } from '../../src/service/service.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, keyedProducer, produceInputs, readTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import type { ReadRecord } from '../support/kafka-io.ts';
import { DAY, interest, posting, profile, scriptedMonth } from '../support/scenario.ts';
import { counterValue } from '../support/service-process.ts';
import { createServiceTopics, serviceEnv } from '../support/service-env.ts';
import type { ServiceTopics } from '../support/service-env.ts';

const PARTITIONS = 3;
/** Europe/Prague wall clock on a date of the scripted month's last week (after the clocks went back: UTC+1). */
const prague = (isoDate: string, minuteOfDay: number) => wallClockInstant('Europe/Prague', Date.parse(`${isoDate}T00:00:00Z`) / DAY, minuteOfDay);
const at = (hours: number, minutes: number) => hours * 60 + minutes;

/**
 * The digest end to end, through the real service and the real digest stage (Kafka, registry, Redis), with clocks the
 * test moves. The rules turn the digest on with immediateFrom URGENT, flushing at 08:30 and 13:30 Prague time:
 * - rm-1: c-plat's near-total withdrawal to another bank (URGENT) goes to the RM queue at once; c-noconsent's
 *   150,000 CZK from another bank (HIGH), c-cash2's 100,000 CZK and c-cash's 120,000 CZK cash deposits (MEDIUM) wait
 *   for rm-1's digest (a customer known for less than 30 days is judged on the absolute amount only).
 * - rm-2: c-gold's 240,000 CZK in two tranches (HIGH) and c-big's 210,000 CZK cash deposit (MEDIUM: ranked second)
 *   wait for rm-2's digest.
 * - c-orphan's 120,000 CZK cash withdrawal is no exit: the risk team hears it, no RM queue does.
 */
describeIntegration('tidewatch digest: routine alerts batched per RM', (context) => {
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let redis: Redis;
  let topics: ServiceTopics;
  let service: RunningService | undefined;
  let stage: RunningDigestStage | undefined;
  const rulesDir = mkdtempSync(join(tmpdir(), 'tidewatch-digest-'));
  const rulesFile = join(rulesDir, 'rules.json');
  // the service's clock stands at 10:00 on the 26th: every alert is detected then, in the window closing at 13:30
  const detectedAt = prague('2026-10-26', at(10, 0));
  let digestNow = detectedAt;
  const env = serviceEnv(context, {
    TIDEWATCH_RULES_FILE: rulesFile,
    TIDEWATCH_DIGEST_INTERVAL_MS: '200',
    TIDEWATCH_HTTP_PORT: '0',
    TIDEWATCH_HTTP_HOST: '127.0.0.1',
  });
  const digestGroup = env.TIDEWATCH_DIGEST_GROUP_ID!;
  const registryUrl = () => context.endpoints.schemaRegistryUrl;
  const startStage = async () => {
    stage = await startDigestStage(parseEnv(env), createLogger('warn'), { clock: () => digestNow });
  };

  beforeAll(async () => {
    const rules = parseYaml(readFileSync(new URL('../../rules/default.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
    rules.version = 'digest-e2e';
    rules.digest = { enabled: true, immediateFrom: 'URGENT', flushTimes: ['08:30', '13:30'] };
    writeFileSync(rulesFile, JSON.stringify(rules));
    topics = await createServiceTopics(context, PARTITIONS);
    kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    producer = keyedProducer(kafka);
    admin = kafka.admin();
    redis = new Redis(context.endpoints.redisUrl);
    await Promise.all([producer.connect(), admin.connect()]);
    service = await startService(parseEnv(env), createLogger('warn'), { clock: () => detectedAt });
    await startStage();
  });

  afterAll(async () => {
    await stage?.stop();
    await service?.stop();
    await producer?.disconnect();
    await admin?.disconnect();
    redis?.disconnect();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  const summary = (alert: Alert) => `${alert.queue}|${alert.customerId}|${alert.kind}|${alert.priority}`;
  const digests = () => readTopic<RmDigest>(kafka, registryUrl(), topics.rmDigests);
  const stageMetrics = async () => (await fetch(`http://127.0.0.1:${stage!.httpPort}/metrics`)).text();
  const pause = (ms: number) => new Promise((resolveLater) => setTimeout(resolveLater, ms));
  let routine: ReadRecord<Alert>[] = [];
  let firstDigests: ReadRecord<RmDigest>[] = [];

  it('sends the urgent alert to the RM queue at once and holds the routine ones back for the digest', async () => {
    const month = scriptedMonth();
    const extra = {
      profiles: [
        profile('c-cash', { rmId: 'rm-1' }),
        profile('c-cash2', { rmId: 'rm-1' }),
        profile('c-big', { rmId: 'rm-2', servedTier: 'GOLD' }),
      ],
      transactions: [
        interest('c-cash', 1, 60_000_00),
        interest('c-cash2', 1, 50_000_00),
        interest('c-big', 1, 150_000_00),
        posting('c-cash', 16, { amountMinor: 120_000_00, direction: 'CREDIT', balanceAfterMinor: 180_000_00, counterpartyKind: 'CASH', category: 'CASH', channel: 'BRANCH' }),
        posting('c-cash2', 16, { amountMinor: 100_000_00, direction: 'CREDIT', balanceAfterMinor: 150_000_00, counterpartyKind: 'CASH', category: 'CASH', channel: 'BRANCH' }),
        posting('c-big', 16, { amountMinor: 210_000_00, direction: 'CREDIT', balanceAfterMinor: 360_000_00, counterpartyKind: 'CASH', category: 'CASH', channel: 'BRANCH' }),
      ],
    };
    await produceInputs(producer, registryUrl(), topics, { profiles: [...month.profiles, ...extra.profiles] });
    await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.profiles);
    await produceInputs(producer, registryUrl(), topics, { transactions: [...month.transactions, ...extra.transactions] });
    await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.transactions);

    const rm = await readTopic<Alert>(kafka, registryUrl(), topics.rmAlerts);
    expect(rm.map((record) => summary(record.value))).toEqual(['rm-1|c-plat|LARGE_OUTFLOW|URGENT']);
    routine = await readTopic<Alert>(kafka, registryUrl(), topics.rmRoutine);
    expect(routine.map((record) => summary(record.value)).sort()).toEqual([
      'rm-1|c-cash2|LARGE_INFLOW|MEDIUM',
      'rm-1|c-cash|LARGE_INFLOW|MEDIUM',
      'rm-1|c-noconsent|LARGE_INFLOW|HIGH',
      'rm-2|c-big|LARGE_INFLOW|MEDIUM',
      'rm-2|c-gold|CUMULATIVE_INFLOW|HIGH',
    ]);
    // keyed by queue like the RM topic: one RM's routine alerts on one partition, one owner in the digest group
    expect(routine.every((record) => record.key === record.value.queue && record.value.detectedAt === detectedAt)).toBe(true);
    // the risk and campaign feeds are not affected by the digest
    const risk = await readTopic<Alert>(kafka, registryUrl(), topics.risk);
    expect(risk.map((record) => record.value.customerId).sort()).toEqual(['c-leak', 'c-orphan', 'c-plat']);

    // stored by the digest stage, but before 13:30 nothing is sent
    await waitUntilConsumed(admin, digestGroup, topics.rmRoutine);
    await pause(1_000);
    expect(await digests()).toEqual([]);
    expect(counterValue(await stageMetrics(), 'tidewatch_digest_alerts_received_total', { outcome: 'stored' })).toBe(5);
  });

  it('at 13:30 Prague time sends one digest per queue, holding exactly its alerts, ranked by priority then value', async () => {
    digestNow = prague('2026-10-26', at(13, 30));
    await expect.poll(async () => (await digests()).length, { timeout: 20_000, interval: 250 }).toBe(2);
    firstDigests = await digests();
    const byQueue = new Map(firstDigests.map((record) => [record.value.queue, record]));
    const customersOf = (queue: string) => byQueue.get(queue)!.value.alerts.map((alert) => `${alert.customerId}|${alert.priority}`);
    expect(customersOf('rm-1')).toEqual(['c-noconsent|HIGH', 'c-cash|MEDIUM', 'c-cash2|MEDIUM']); // then by value
    expect(customersOf('rm-2')).toEqual(['c-gold|HIGH', 'c-big|MEDIUM']);

    const windowEnd = prague('2026-10-26', at(13, 30));
    for (const [queue, record] of byQueue) {
      const digest = record.value;
      expect(record.key).toBe(queue);
      expect(digest).toMatchObject({
        digestId: digestIdOf(queue, windowEnd),
        rmId: queue === 'UNASSIGNED' ? null : queue,
        windowStart: prague('2026-10-26', at(8, 30)),
        windowEnd,
        timeZone: 'Europe/Prague',
        alertCount: digest.alerts.length,
        omittedAlertIds: [],
        rulesVersion: 'digest-e2e',
      });
      // the very alerts of the routine topic, byte for byte what the RM would have got at once
      const sent = routine.filter((candidate) => candidate.value.queue === queue).map((candidate) => candidate.value);
      expect([...digest.alerts].sort((a, b) => a.alertId.localeCompare(b.alertId))).toEqual(sent.sort((a, b) => a.alertId.localeCompare(b.alertId)));
    }
    expect(byQueue.get('rm-1')!.value.countsByKind).toEqual([{ kind: 'LARGE_INFLOW', count: 3 }]);
    expect(byQueue.get('rm-2')!.value.countsByPriority).toEqual([
      { priority: 'HIGH', count: 1 },
      { priority: 'MEDIUM', count: 1 },
    ]);

    // nothing left waiting, nothing left in an outbox
    const keys = Array.from({ length: PARTITIONS }, (_, partition) => digestScopeOf(topics.rmRoutine, partition)).flatMap((scope) => [
      digestKey(context.redisPrefix, scope, 'pending'),
      digestKey(context.redisPrefix, scope, 'outbox'),
    ]);
    expect(await Promise.all(keys.map((key) => redis.hlen(key)))).toEqual(keys.map(() => 0));
  });

  it('restarted and re-reading the routine topic from the beginning, it sends no second, different digest', async () => {
    await stage!.stop();
    stage = undefined;
    await admin.resetOffsets({ groupId: digestGroup, topic: topics.rmRoutine, earliest: true });
    digestNow = prague('2026-10-27', at(8, 31)); // past the next flush too
    await startStage();
    await waitUntilConsumed(admin, digestGroup, topics.rmRoutine);
    const metrics = async () => stageMetrics();
    await expect.poll(async () => counterValue(await metrics(), 'tidewatch_digest_alerts_received_total', { outcome: 'already_applied' }), { timeout: 20_000 }).toBe(5);
    // a few flush passes at the new cut
    await pause(1_500);
    expect(counterValue(await metrics(), 'tidewatch_digest_alerts_received_total', { outcome: 'stored' })).toBe(0);
    expect(await digests()).toEqual(firstDigests);
  });
});
