import { createSchemaRegistry } from '../../src/adapters/registry/client.ts';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerSchemas } from '../../src/adapters/registry/schemas.ts';
import { parseEnv } from '../../src/config/env.ts';
import { businessCalendar } from '../../src/core/calendar.ts';
import type { Alert } from '../../src/domain/alert.ts';
import type { DeadLetterRecord } from '../../src/domain/dead-letter.ts';
import type { ProductEvent } from '../../src/domain/product-event.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startService } from '../../src/service/service.ts';
import type { RunningService } from '../../src/service/service.ts';
import { describeIntegration } from '../support/integration.ts';
import { kafkaFor, keyedProducer, readTopic, waitUntilConsumed } from '../support/kafka-io.ts';
import { createServiceTopics, serviceEnv } from '../support/service-env.ts';
import type { ServiceTopics } from '../support/service-env.ts';
import { startServiceProcess } from '../support/service-process.ts';

const calendar = businessCalendar('Europe/Prague');
const DAY = 86_400_000;
/** The service's clock: 20 November 2026, 10:00 Prague; the deposits mature on the 30th (inside the 14-day window). */
const NOW = Date.parse('2026-11-20T10:00:00+01:00');
const MATURES = calendar.dayOf(NOW) + 10;

const productEvent = (customerId: string, overrides: Partial<ProductEvent> = {}): ProductEvent => ({
  eventId: `pe-${customerId}`,
  customerId,
  productId: `td-${customerId}`,
  productKind: 'TIME_DEPOSIT',
  principalMinor: 250_000_00,
  currency: 'CZK',
  maturityDate: MATURES,
  autoRollover: false,
  status: 'ACTIVE',
  eventTime: NOW - DAY,
  ...overrides,
});

/**
 * The edges of the product-event input through the real service (Kafka, registry, Redis): it refuses a products topic
 * that is not co-partitioned with transactions, and dead-letters product events it cannot use, with their reason.
 */
describeIntegration('tidewatch run: product events', (context) => {
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let topics: ServiceTopics;
  let service: RunningService | undefined;
  const env = serviceEnv(context);

  beforeAll(async () => {
    topics = await createServiceTopics(context, 3);
    kafka = kafkaFor(context.endpoints.kafkaBrokers, context.namespace);
    producer = keyedProducer(kafka);
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
  });

  afterAll(async () => {
    await service?.stop();
    await producer?.disconnect();
    await admin?.disconnect();
  });

  it('refuses to start when the products topic is not co-partitioned with the transactions topic', async () => {
    const twoPartitions = context.topic('products-two-partitions');
    await context.createTopics([{ topic: twoPartitions, numPartitions: 2 }]);
    const mismatched = serviceEnv(context, { TIDEWATCH_GROUP_ID: context.groupId('mismatched'), TIDEWATCH_TOPIC_PRODUCTS: twoPartitions });
    await expect(startServiceProcess(mismatched, 30_000)).rejects.toThrow(
      `${twoPartitions} has 2 partitions and ${topics.transactions} has 3: product events must be co-partitioned with transactions`,
    );
  });

  it('tells the maturity of a good one, and dead-letters one not keyed by its customer and one in another currency', async () => {
    service = await startService(parseEnv({ ...env, TIDEWATCH_HTTP_PORT: '0', TIDEWATCH_HTTP_HOST: '127.0.0.1' }), createLogger('warn'), { clock: () => NOW });
    const registry = createSchemaRegistry(context.endpoints.schemaRegistryUrl);
    const { products: schemaId } = await registerSchemas(context.endpoints.schemaRegistryUrl, { products: topics.products });
    const records = [
      { key: 'c-good', event: productEvent('c-good') },
      { key: 'c-somebody-else', event: productEvent('c-misrouted') },
      { key: 'c-euro', event: productEvent('c-euro', { currency: 'EUR' }) },
    ];
    const messages = await Promise.all(records.map(async ({ key, event }) => ({ key, value: await registry.encode(schemaId, event) })));
    await producer.send({ topic: topics.products, messages, acks: -1 });
    await waitUntilConsumed(admin, env.TIDEWATCH_GROUP_ID!, topics.products);

    const alerts = (await readTopic<Alert>(kafka, context.endpoints.schemaRegistryUrl, topics.rmAlerts)).map((record) => record.value);
    expect(alerts.map((alert) => [alert.customerId, alert.kind, alert.queue])).toEqual([['c-good', 'MATURITY', 'UNASSIGNED']]);
    expect(alerts[0]!.reason).toBe('Time deposit of 250,000.00 CZK matures on 2026-11-30 without auto-rollover (in 11 days)');

    const deadLetters = (await readTopic<DeadLetterRecord>(kafka, context.endpoints.schemaRegistryUrl, topics.deadLetter)).map((record) => record.value);
    expect(deadLetters.map(({ reason, detail, sourceTopic }) => ({ reason, detail, sourceTopic })).sort((left, right) => left.reason.localeCompare(right.reason))).toEqual([
      {
        reason: 'invalid',
        detail: 'the record key is not its customerId: product events must be keyed by customer id, co-partitioned with transactions',
        sourceTopic: topics.products,
      },
      { reason: 'unsupported_currency', detail: "currency EUR is not the rules' currency CZK; tidewatch does not convert", sourceTopic: topics.products },
    ]);
  });
});
