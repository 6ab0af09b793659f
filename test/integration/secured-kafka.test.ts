import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafka } from '../../src/adapters/kafka/client.ts';
import { assertRegistryAnswers } from '../../src/adapters/registry/client.ts';
import { parseEnv } from '../../src/config/env.ts';
import { connectionsOf } from '../../src/config/security.ts';
import type { Alert } from '../../src/domain/alert.ts';
import { startService } from '../../src/service/service.ts';
import type { RunningService } from '../../src/service/service.ts';
import { keyedProducer, produceInputs, readTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import { DAY, MONTH_START, scriptedMonth } from '../support/scenario.ts';
import { collectingLogger, describeSecured, kafkaEnv, passwordOf, redisEnv, registryEnv, scramKafka, secretsOf } from '../support/secured.ts';
import { createServiceTopics, serviceEnv } from '../support/service-env.ts';
import type { ServiceTopics } from '../support/service-env.ts';
import { startServiceProcess } from '../support/service-process.ts';
import { featuresTokensFile } from '../support/features-tokens.ts';

const summary = (alert: Alert) => `${alert.queue}|${alert.customerId}|${alert.kind}|${alert.priority}`;

describeSecured('secured Kafka and registry', (context, secured) => {
  /** Every log line and error message of every service this suite runs: grepped for secrets at the end. */
  const printed: string[] = [];
  const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;
  const wrongPasswordFile = join(mkdtempSync(join(tmpdir(), 'tw-secured-')), 'password');
  writeFileSync(wrongPasswordFile, `${wrongPassword}\n`);
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let topics: ServiceTopics;
  let service: RunningService | undefined;
  // Kafka over SASL_SSL (SCRAM-SHA-512), the registry over HTTPS with basic auth, Redis over TLS with a client cert
  const tokens = featuresTokensFile();
  const env = serviceEnv(context, { ...kafkaEnv(secured, 'scram'), ...registryEnv(secured), ...redisEnv(secured, 'tls'), TIDEWATCH_FEATURES_TOKENS_FILE: tokens.path });

  beforeAll(async () => {
    topics = await createServiceTopics(context, 3);
    kafka = scramKafka(secured, context.namespace);
    producer = keyedProducer(kafka);
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
  });

  afterAll(async () => {
    await service?.stop();
    await producer?.disconnect();
    await admin?.disconnect();
  });

  it('runs the service end to end through SASL_SSL (SCRAM-SHA-512), the HTTPS registry and TLS Redis', { timeout: 120_000 }, async () => {
    const now = MONTH_START + 25 * DAY;
    service = await startService(parseEnv({ ...env, TIDEWATCH_HTTP_PORT: '0', TIDEWATCH_HTTP_HOST: '127.0.0.1' }), collectingLogger(printed), {
      clock: () => now,
    });
    const { profiles, transactions } = scriptedMonth();
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { profiles });
    await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.profiles, 90_000);
    await produceInputs(producer, context.endpoints.schemaRegistryUrl, topics, { transactions });
    await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.transactions, 90_000);

    const rm = await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, topics.rmAlerts);
    expect(rm.map((record) => summary(record.value)).sort()).toEqual([
      'rm-1|c-noconsent|LARGE_INFLOW|HIGH',
      'rm-1|c-plat|LARGE_OUTFLOW|URGENT',
      'rm-2|c-gold|CUMULATIVE_INFLOW|HIGH',
    ]);
    const features = await fetch(`http://127.0.0.1:${service.httpPort}/customers/c-gold/features`, { headers: tokens.headers });
    expect(features.status).toBe(200);
    await service.stop();
    service = undefined;
  });

  it.each([
    ['SASL/PLAIN over TLS', 'plain'],
    ['mTLS (client certificate, no SASL)', 'mtls'],
  ] as const)('connects with %s', { timeout: 60_000 }, async (_how, login) => {
    const connection = connectionsOf(parseEnv(serviceEnv(context, { ...kafkaEnv(secured, login), ...registryEnv(secured) }))).kafka;
    const client = createKafka(connection.brokers, context.namespace, collectingLogger(printed), connection).admin();
    await client.connect();
    try {
      expect((await client.fetchTopicMetadata({ topics: [topics.transactions] })).topics[0]?.partitions).toHaveLength(3);
    } finally {
      await client.disconnect();
    }
  });

  it('refuses an mTLS listener without the client certificate', { timeout: 60_000 }, async () => {
    const { KAFKA_TLS_CERT_FILE: _cert, KAFKA_TLS_KEY_FILE: _key, ...withoutCertificate } = kafkaEnv(secured, 'mtls');
    const connection = connectionsOf(parseEnv(serviceEnv(context, withoutCertificate))).kafka;
    const kafkaWithout = createKafka(connection.brokers, context.namespace, collectingLogger(printed), connection);
    const client = kafkaWithout.admin({ retry: { retries: 0 } });
    await expect(client.connect()).rejects.toThrow();
    await client.disconnect();
  });

  /** `tidewatch run` as its own process with one setting changed: the one line it exits with. */
  async function failingStart(overrides: Record<string, string>, unset: readonly string[] = []): Promise<string> {
    const changed = Object.fromEntries(Object.entries({ ...env, ...overrides }).filter(([name]) => !unset.includes(name)));
    const started = startServiceProcess(changed, 90_000);
    const error = await started.then(
      async (running) => {
        await running.stop();
        throw new Error('the service started although a credential was wrong');
      },
      (failure: unknown) => failure as Error,
    );
    printed.push(...error.message.split('\n'));
    const line = error.message.split('\n').find((candidate) => candidate.startsWith('tidewatch: '));
    expect(error.message).toMatch(/^service exited with 2:/);
    return line ?? '';
  }

  it('stops on a wrong Kafka password with one line naming the listener and the user, not the password', { timeout: 120_000 }, async () => {
    const line = await failingStart({ KAFKA_SASL_PASSWORD_FILE: wrongPasswordFile });
    expect(line).toContain(`tidewatch: cannot connect to Kafka at ${secured.kafkaSaslSslBrokers.join(',')} (SASL_SSL, SCRAM-SHA-512 as ${secured.kafkaScram.username})`);
    expect(line).toMatch(/authentication failed/i);
  });

  it('stops on a wrong registry password with one line naming the registry, not the password', { timeout: 120_000 }, async () => {
    const line = await failingStart({ SCHEMA_REGISTRY_PASSWORD_FILE: wrongPasswordFile });
    expect(line).toBe(
      `tidewatch: cannot connect to schema registry at ${secured.schemaRegistryUrl} (user ${secured.registry.username}): ` +
        `the registry refused user ${secured.registry.username} (HTTP 401)`,
    );
  });

  it('takes registry credentials from the URL too, and never prints them', { timeout: 60_000 }, async () => {
    const url = new URL(secured.schemaRegistryUrl);
    url.username = secured.registry.username;
    url.password = passwordOf(secured.registry);
    const { SCHEMA_REGISTRY_USERNAME: _user, SCHEMA_REGISTRY_PASSWORD_FILE: _password, ...registry } = registryEnv(secured);
    const connection = connectionsOf(parseEnv(serviceEnv(context, { ...registry, SCHEMA_REGISTRY_URL: url.toString() }))).registry;
    expect(connection.url).toBe(secured.schemaRegistryUrl);
    await assertRegistryAnswers(connection);
    url.password = wrongPassword;
    const line = await failingStart({ SCHEMA_REGISTRY_URL: url.toString() }, ['SCHEMA_REGISTRY_USERNAME', 'SCHEMA_REGISTRY_PASSWORD_FILE']);
    expect(line).toContain(`cannot connect to schema registry at ${secured.schemaRegistryUrl} (user ${secured.registry.username})`);
  });

  it('printed no secret: every log line and error message of the services above is free of every password', () => {
    expect(printed.length).toBeGreaterThan(10);
    for (const secret of [...secretsOf(secured), wrongPassword]) {
      expect(printed.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});
