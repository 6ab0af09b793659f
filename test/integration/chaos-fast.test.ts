import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fuzzRecords, interleave, malformedKinds } from '../../scripts/chaos/fuzz.ts';
import { chaosInput, chunked, closingRounds } from '../../scripts/chaos/input.ts';
import type { ChaosInput } from '../../scripts/chaos/input.ts';
import { Harness, Lane } from '../../scripts/chaos/lane.ts';
import type { Message } from '../../scripts/chaos/lane.ts';
import { compare } from '../../scripts/chaos/outcome.ts';
import type { Outcome } from '../../scripts/chaos/outcome.ts';
import { describeIntegration } from '../support/integration.ts';

/**
 * The fast parts of the fault suite (`npm run chaos`), on the test run's services: a kill -9 exactly between
 * publish and commit (the crash hook), malformed records and re-sends within the customer's 8 latest ids, each
 * compared with a clean pass: nothing missing, extra or divergent, every state equal.
 */
describeIntegration('fault suite, fast parts: kill -9 between publish and commit, malformed records, re-sends', (context) => {
  let harness: Harness;
  let folder: string;
  let input: ChaosInput;
  let chunks: Message[][];
  let clean: Outcome;
  const lanes: Lane[] = [];

  const lane = async (name: string) => {
    const created = new Lane(`${context.namespace}-${name}`, harness, { redisUrl: context.endpoints.redisUrl });
    lanes.push(created);
    await created.createTopics();
    await created.produce(created.topics.profiles, input.profiles);
    return created;
  };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tw-chaos-fast-'));
    harness = await Harness.connect(context.endpoints.kafkaBrokers, context.endpoints.schemaRegistryUrl);
    input = await chaosInput(folder, context.endpoints.schemaRegistryUrl, 40, 1, context.topic('input'));
    const closing = await Promise.all(
      closingRounds(input.transactions.map((record) => record.transaction)).map((round) =>
        Promise.all(round.map(async (transaction) => ({ key: transaction.customerId, value: await input.encoders.transaction(transaction) }))),
      ),
    );
    const messages = input.transactions.map((record) => ({ key: record.transaction.customerId, value: record.value }));
    chunks = [...chunked(messages, Math.ceil(messages.length / 4)), ...closing];
    const reference = await lane('clean');
    await reference.start();
    await reference.untilConsumed(reference.topics.profiles);
    await reference.feed(chunks);
    await reference.stopAll();
    clean = await reference.outcome(input.customerIds);
  }, 600_000);

  afterAll(async () => {
    for (const created of lanes) {
      await created.cleanUp();
      await created.deleteTopics();
    }
    await harness?.close();
    await rm(folder, { recursive: true, force: true });
    const redis = new Redis(context.endpoints.redisUrl);
    for (const created of lanes) {
      const keys = await redis.keys(`${created.env.TIDEWATCH_REDIS_PREFIX}*`);
      if (keys.length > 0) await redis.unlink(...keys);
    }
    redis.disconnect();
  }, 120_000);

  it('a kill -9 between publish and commit, then a restart, leaves what the clean pass leaves', { timeout: 600_000 }, async () => {
    expect(clean.alerts.rm.length + clean.alerts.risk.length, 'the clean pass raised alerts').toBeGreaterThan(5);
    const crashed = await lane('crash');
    crashed.respawn = () => ({});
    await crashed.start({ TIDEWATCH_TEST_CRASH_AT: 'after-publish:2' });
    await crashed.untilConsumed(crashed.topics.profiles);
    await crashed.feed(chunks);
    await crashed.stopAll();
    expect(crashed.kills(), 'the hook killed the first life at its second unit').toBe(1);
    const row = compare('crash', clean, await crashed.outcome(input.customerIds));
    expect(row).toMatchObject({ missing: 0, extra: 0, divergent: 0, statesEqual: row.statesTotal });
    // the unit published before the kill is re-read and its stored alerts re-sent: duplicates, never different ones
    expect(row.duplicates).toBeGreaterThanOrEqual(0);
  });

  it('malformed records all reach the dead-letter topic and re-sends of recent records change nothing', { timeout: 600_000 }, async () => {
    const damaged = [
      ...(await fuzzRecords(input.transactions, malformedKinds, 60, 3, input.encoders)),
      ...(await fuzzRecords(input.transactions, ['resend'], 20, 4, input.encoders, 5)),
    ];
    const stream = interleave(input.transactions, damaged).map(({ key, value, kind }) => ({ key, value, ...(kind === null ? {} : { headers: { 'chaos.kind': kind } }) }));
    const fuzzed = await lane('fuzz');
    await fuzzed.start();
    await fuzzed.untilConsumed(fuzzed.topics.profiles);
    await fuzzed.feed([...chunked(stream, Math.ceil(stream.length / 4)), ...chunks.slice(-2)]);
    await fuzzed.stopAll();
    expect(Object.fromEntries(await fuzzed.notDeadLettered())).toEqual({ resend: 20 });
    const row = compare('fuzz', clean, await fuzzed.outcome(input.customerIds));
    expect(row).toMatchObject({ missing: 0, extra: 0, divergent: 0, duplicates: 0, statesEqual: row.statesTotal });
  });
});
