import { Redis } from 'ioredis';
import kafkajs from 'kafkajs';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisDigestStore } from '../../src/adapters/redis/digest-store.ts';
import { digestKey } from '../../src/adapters/redis/keys.ts';
import { AvroDecoder } from '../../src/adapters/registry/avro-decoder.ts';
import { AvroEncoder } from '../../src/adapters/registry/avro-encoder.ts';
import { wallClockInstant } from '../../src/core/calendar.ts';
import { buildDigest, dueDigests } from '../../src/core/digest.ts';
import type { DigestDeps } from '../../src/digest/deps.ts';
import { flushPartition } from '../../src/digest/flush.ts';
import { alertSchema } from '../../src/domain/alert.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { RmDigest } from '../../src/domain/digest.ts';
import { createDigestMetrics } from '../../src/observability/metrics.ts';
import { coreWith } from '../support/core-fixtures.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, readTopic } from '../support/kafka-io.ts';

const DAY = 86_400_000;
const prague = (isoDate: string, hours: number, minutes = 0) => wallClockInstant('Europe/Prague', Date.parse(`${isoDate}T00:00:00Z`) / DAY, hours * 60 + minutes);
const core = coreWith((raw) => {
  raw.digest = { enabled: true, flushTimes: ['08:30', '13:30'] };
});

function alert(id: string, queue: string, detectedAt: number, amount = 50_000_00): Alert {
  return alertSchema.parse({
    alertId: id,
    kind: 'LARGE_OUTFLOW',
    priority: 'MEDIUM',
    customerId: `c-${id}`,
    rmId: queue,
    queue,
    branchId: null,
    tier: 'SILVER',
    reason: 'Large outflow',
    suggestedAction: 'Call the customer.',
    evidence: [{ metric: 'amount', unit: 'MINOR_UNITS', value: amount, threshold: 30_000_00, baseline: null }],
    currency: 'CZK',
    amountAtStakeMinor: amount,
    counterpartyKind: 'CASH',
    toCompetitor: false,
    causeTransactionId: `t-${id}`,
    rulesVersion: core.rules.version,
    eventTime: detectedAt - 60_000,
    detectedAt,
  });
}

/** The digest stage's Redis keys and its flush, against the real Redis (and Kafka and the registry for the flush). */
describeIntegration('digest stage store and flush', (context) => {
  let redis: Redis;
  let scopeCount = 0;
  const nextScope = () => `routine-test:${(scopeCount += 1)}`;
  const newStore = (dedupMs = 8 * DAY) => new RedisDigestStore(redis, { prefix: context.redisPrefix, dedupMs });

  beforeAll(() => {
    redis = new Redis(context.endpoints.redisUrl);
  });
  afterAll(() => {
    redis?.disconnect();
  });

  const morning = prague('2026-01-14', 9);
  const flush = prague('2026-01-14', 13, 30);
  const cut = (store: RedisDigestStore, scope: string, now: number) =>
    store.pending(scope).then((view) => dueDigests({ ...view, now, rules: core.rules, calendar: core.calendar }));

  describe('pending alerts', () => {
    it('stores each alert once: a re-read offset or the same alert at another offset changes nothing', async () => {
      const store = newStore();
      const scope = nextScope();
      const [a, b] = [alert('a', 'rm-1', morning), alert('b', 'rm-1', morning)];
      expect(await store.addPending(scope, 1, [{ offset: 0, alert: a }, { offset: 1, alert: b }])).toEqual({ stored: 2, duplicate: 0, alreadyDigested: 0, alreadyApplied: 0 });
      expect(await store.addPending(scope, 1, [{ offset: 0, alert: a }, { offset: 1, alert: b }])).toEqual({ stored: 0, duplicate: 0, alreadyDigested: 0, alreadyApplied: 2 });
      // the service re-sent `a` after a crash: another offset, the same alert
      expect(await store.addPending(scope, 2, [{ offset: 2, alert: a }])).toEqual({ stored: 0, duplicate: 1, alreadyDigested: 0, alreadyApplied: 0 });
      expect((await store.pending(scope)).pending.map((pending) => pending.alertId).sort()).toEqual(['a', 'b']);
      expect(await redis.get(digestKey(context.redisPrefix, scope, 'applied'))).toBe('2');
    });
  });

  describe('staging a digest', () => {
    it('moves its alerts into the outbox in one step; a re-sent alert is not listed again', async () => {
      const store = newStore();
      const scope = nextScope();
      await store.addPending(scope, 2, [
        { offset: 0, alert: alert('a', 'rm-1', morning) },
        { offset: 1, alert: alert('b', 'rm-2', morning) },
        { offset: 2, alert: alert('later', 'rm-1', flush + 60_000) },
      ]);
      const due = await cut(store, scope, flush);
      expect(due.map((digest) => digest.queue)).toEqual(['rm-1', 'rm-2']);
      expect(await store.stage(scope, due, flush)).toEqual({ staged: due.map((digest) => digest.digestId), stale: [] });
      expect((await store.outbox(scope)).map((digest) => digest.digestId).sort()).toEqual(due.map((digest) => digest.digestId).sort());
      expect(await store.outbox(scope)).toEqual(expect.arrayContaining(due));
      expect((await store.pending(scope)).pending.map((pending) => pending.alertId)).toEqual(['later']);
      expect(Object.fromEntries((await store.pending(scope)).lastCuts)).toEqual({ 'rm-1': flush, 'rm-2': flush });
      expect(await store.addPending(scope, 3, [{ offset: 3, alert: alert('a', 'rm-1', morning) }])).toMatchObject({ alreadyDigested: 1, stored: 0 });
    });

    it('refuses a digest a second instance cut from the same alerts, and one whose alerts are no longer pending', async () => {
      const store = newStore();
      const scope = nextScope();
      await store.addPending(scope, 1, [
        { offset: 0, alert: alert('a', 'rm-1', morning) },
        { offset: 1, alert: alert('b', 'rm-1', morning) },
      ]);
      const due = await cut(store, scope, flush);
      await store.stage(scope, due, flush);
      // a zombie that read the same pending alerts before the stage: refused, the outbox holds one digest
      expect(await store.stage(scope, due, flush + 1_000)).toEqual({ staged: [], stale: due.map((digest) => digest.digestId) });
      expect(await store.outbox(scope)).toEqual(due);
      // at a later flush, a digest naming an alert already digested is refused too (no alert is listed twice)
      const nextFlush = prague('2026-01-15', 8, 30);
      const replayed = buildDigest('rm-1', due[0]!.alerts, { start: flush, end: nextFlush }, { rules: core.rules, createdAt: nextFlush });
      expect(await store.stage(scope, [replayed], nextFlush)).toEqual({ staged: [], stale: [replayed.digestId] });
      await store.clearOutbox(scope, [due[0]!.digestId]);
      expect(await store.outbox(scope)).toEqual([]);
    });

    it('forgets digested ids after the dedup period, so the set does not grow without end', async () => {
      const store = newStore(DAY);
      const scope = nextScope();
      await store.addPending(scope, 0, [{ offset: 0, alert: alert('old', 'rm-1', morning) }]);
      await store.stage(scope, await cut(store, scope, flush), flush);
      await store.addPending(scope, 1, [{ offset: 1, alert: alert('new', 'rm-1', flush + 3 * DAY - 3 * 3_600_000) }]);
      const later = prague('2026-01-17', 13, 30) + 1;
      await store.stage(scope, await cut(store, scope, later), later);
      expect(await redis.zrange(digestKey(context.redisPrefix, scope, 'digested'), 0, -1)).toEqual(['new']);
    });
  });

  describe('a crash between cutting a digest and publishing it', () => {
    let kafka: Kafka;
    let producer: Producer;
    const topics = { rmRoutine: context.topic('rm-routine'), rmDigests: context.topic('rm-digests'), deadLetter: context.topic('dead-letter') };

    beforeAll(async () => {
      await context.createTopics(Object.values(topics).map((topic) => ({ topic, numPartitions: 1 })));
      kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
      await producer.connect();
    });
    afterAll(async () => {
      await producer?.disconnect();
    });

    it('re-sends the very same digest from the outbox, then the next one, and nothing twice', async () => {
      const store = newStore();
      const registryUrl = context.endpoints.schemaRegistryUrl;
      const deps: DigestDeps = {
        core,
        store,
        decoder: AvroDecoder.forUrl(registryUrl),
        encoder: await AvroEncoder.connect(registryUrl, { rmDigests: topics.rmDigests, deadLetter: topics.deadLetter }, { register: true }),
        producer,
        topics,
        metrics: createDigestMetrics(),
        clock: () => flush,
      };
      const scope = `${topics.rmRoutine}:0`;
      await store.addPending(scope, 1, [
        { offset: 0, alert: alert('x', 'rm-1', morning, 90_000_00) },
        { offset: 1, alert: alert('y', 'rm-1', flush + 60_000) },
      ]);
      // cut and staged at 13:30, then the process died before publishing
      const staged = await cut(store, scope, flush);
      await store.stage(scope, staged, flush);

      // restarted the next morning: the outbox goes out as it was, and the next window's digest after it
      const nextMorning = prague('2026-01-15', 8, 30);
      expect(await flushPartition(deps, 0, nextMorning)).toMatchObject({ staged: 1, published: 2, stale: 0 });
      expect(await flushPartition(deps, 0, nextMorning + 5_000)).toMatchObject({ staged: 0, published: 0 });
      const sent = (await readTopic<RmDigest>(kafka, registryUrl, topics.rmDigests)).map((record) => record.value);
      expect(sent).toHaveLength(2);
      expect(sent[0]).toEqual(staged[0]);
      expect(sent[1]).toMatchObject({ windowEnd: nextMorning, alerts: [expect.objectContaining({ alertId: 'y' })] });
      expect(await store.outbox(scope)).toEqual([]);
    });
  });
});
