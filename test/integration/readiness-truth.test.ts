import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { watchConsumer } from '../../src/adapters/kafka/consumer-health.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { registerValueSchema } from '../support/avro.ts';
import { transaction } from '../support/fixtures.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, keyedProducer } from '../support/kafka-io.ts';
import { createServiceTopics, serviceEnv } from '../support/service-env.ts';
import { startServiceProcess, waitForStatus } from '../support/service-process.ts';
import type { ServiceProcess } from '../support/service-process.ts';
import { startOwnRedis } from '../support/own-redis.ts';

/** A registry in front of the real one, that the test can take away and bring back on the same port. */
function registryProxy(target: string) {
  const upstream = new URL(target);
  let server: Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolveOpen) => {
      server = createServer((incoming, outgoing) => {
        const forwarded = request(
          { host: upstream.hostname, port: upstream.port, method: incoming.method, path: `${upstream.pathname.replace(/\/$/, '')}${incoming.url}`, headers: { ...incoming.headers, host: upstream.host } },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        forwarded.on('error', () => outgoing.destroy());
        incoming.pipe(forwarded);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolveOpen();
      });
    });
  const close = () => new Promise<void>((resolveClose) => (server === undefined ? resolveClose() : (server.closeAllConnections(), server.close(() => resolveClose()))));
  return { open, close, url: () => `http://127.0.0.1:${port}` };
}

describeIntegration('readiness that tells the truth', (context) => {
  let producer: Producer;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    await createServiceTopics(context, 1);
    producer = keyedProducer(kafkaFor(context.endpoints.kafkaBrokers, context.namespace));
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await producer?.disconnect();
  });

  it('a consumer whose broker does not answer is not ready within seconds', { timeout: 60_000 }, async () => {
    const redis = await startOwnRedis();
    try {
      const kafka = kafkaFor(['127.0.0.1:9'], `${context.namespace}-nowhere`);
      const consumer = kafka.consumer({ groupId: context.groupId('nowhere') });
      const watch = watchConsumer(consumer, { topic: 't', redis: redis.client, logger: createLogger('silent'), metrics: createMetrics(), onAssigned: () => {} });
      const started = Date.now();
      let answer = await watch.health.ready();
      while (answer.ready && Date.now() - started < 10_000) answer = await watch.health.ready();
      expect(answer.ready).toBe(false);
      expect(answer.checks.kafkaConsumerJoined).toBe(false);
    } finally {
      await redis.stop();
    }
  });

  it('turns not ready while the registry cannot be reached to decode, and ready again once it can', { timeout: 180_000 }, async () => {
    const proxy = registryProxy(context.endpoints.schemaRegistryUrl);
    await proxy.open();
    const env = serviceEnv(context, { SCHEMA_REGISTRY_URL: proxy.url() });
    service = await startServiceProcess(env);
    await waitForStatus(`${service.baseUrl}/readyz`, 200);

    // a record under a schema id the service has not decoded yet: it must ask the registry
    const { registry, id } = await registerValueSchema(context.endpoints.schemaRegistryUrl, env.TIDEWATCH_TOPIC_TRANSACTIONS!, 'Transaction.avsc');
    await proxy.close();
    const record = transaction({ transactionId: 't-registry', eventTime: Date.now() - 60_000 });
    await producer.send({ topic: env.TIDEWATCH_TOPIC_TRANSACTIONS!, acks: -1, messages: [{ key: record.customerId, value: await registry.encode(id, record) }] });
    const cut = Date.now();
    const refused = await waitForStatus(`${service.baseUrl}/readyz`, 503, 60_000);
    console.log(`registry cut: /readyz 503 after ${Date.now() - cut} ms`);
    expect(((await refused.json()) as { checks: Record<string, boolean> }).checks.progressing).toBe(false);

    await proxy.open();
    await waitForStatus(`${service.baseUrl}/readyz`, 200, 90_000);
    await service.stop();
    service = undefined;
  });
});
