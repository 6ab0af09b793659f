import kafkajs from 'kafkajs';
import type { Producer } from 'kafkajs';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startTracingSdk } from '../../src/observability/tracing-sdk.ts';
import type { Tracing } from '../../src/observability/tracing.ts';
import { startService } from '../../src/service/service.ts';
import type { RunningService } from '../../src/service/service.ts';
import { registerValueSchema } from '../support/avro.ts';
import { transaction } from '../support/fixtures.ts';
import { describeIntegration } from '../support/integration.ts';
import { createServiceTopics, serviceEnv, serviceTopics } from '../support/service-env.ts';

const { Kafka, logLevel, Partitioners } = kafkajs;

/**
 * One batch through the real service, traced into an in-memory exporter: one consume span per fetched batch, its
 * process span, the produce span under it and the commit, with record counts and no personal data in attributes.
 */
describeIntegration('tracing of one batch', (context) => {
  const { transactions } = serviceTopics(context);
  const kafka = new Kafka({ brokers: context.endpoints.kafkaBrokers, clientId: context.namespace, logLevel: logLevel.WARN });
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let producer: Producer;
  let service: RunningService | undefined;

  beforeAll(async () => {
    tracing = startTracingSdk('console', 'tidewatch-test', new SimpleSpanProcessor(exporter));
    await createServiceTopics(context, 1);
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await service?.stop();
    await producer?.disconnect();
    await tracing?.shutdown();
  });

  it('consume → process → produce, and commit, as one span tree with counts only', { timeout: 120_000 }, async () => {
    const { registry, id } = await registerValueSchema(context.endpoints.schemaRegistryUrl, transactions, 'Transaction.avsc');
    const records = [
      transaction({ transactionId: 'tx-private-1', customerId: 'cust-private-1', accountId: 'acct-private-1' }),
      transaction({ transactionId: 'tx-private-2', customerId: 'cust-private-1', accountId: 'acct-private-1' }),
    ];
    await producer.send({
      topic: transactions,
      messages: await Promise.all(records.map(async (record) => ({ key: record.customerId, value: await registry.encode(id, record) }))),
    });
    service = await startService(parseEnv({ ...serviceEnv(context), TIDEWATCH_HTTP_PORT: '0', TIDEWATCH_HTTP_HOST: '127.0.0.1' }), createLogger('warn'));

    const spans = () => exporter.getFinishedSpans();
    const isTransactionsConsume = (span: ReadableSpan) =>
      span.name === 'tidewatch consume' && (span.attributes['messaging.destination.name'] as string[] | undefined)?.includes(transactions) === true;
    const deadline = Date.now() + 90_000;
    while (!spans().some(isTransactionsConsume)) {
      if (Date.now() > deadline) throw new Error(`no consume span for ${transactions}: ${spans().map((span) => span.name).join(', ')}`);
      await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
    }

    const root = spans().find(isTransactionsConsume)!;
    const childrenOf = (parent: ReadableSpan) => spans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.batch.message_count': 2, 'tidewatch.partitions': 1 });
    expect(childrenOf(root).map((span) => span.name)).toEqual(['tidewatch process transactions', 'tidewatch commit']);
    const processing = childrenOf(root)[0]!;
    expect(processing.attributes).toMatchObject({ 'messaging.batch.message_count': 2, 'messaging.destination.name': [transactions] });
    const produced = childrenOf(processing).filter((span) => span.name === 'tidewatch produce');
    expect(produced).toHaveLength(1);
    expect(produced[0]!.attributes).toMatchObject({ 'tidewatch.dead_letters': 0 });
    expect(typeof produced[0]!.attributes['tidewatch.alerts']).toBe('number');
    // one tree per batch, not per record
    expect(spans().filter((span) => span.spanContext().traceId === root.spanContext().traceId)).toHaveLength(4);

    const everyAttribute = JSON.stringify(spans().map((span) => span.attributes));
    for (const secret of ['tx-private', 'cust-private', 'acct-private']) expect(everyAttribute).not.toContain(secret);
  });
});
