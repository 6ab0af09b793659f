import type { Producer, ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ALERT_ID_HEADER, publish } from '../../src/adapters/kafka/publisher.ts';
import type { OutputRole } from '../../src/adapters/kafka/publisher.ts';
import type { AvroEncoder } from '../../src/adapters/registry/avro-encoder.ts';
import type { Emission } from '../../src/core/state.ts';
import { alertSchema } from '../../src/domain/alert.ts';
import type { Alert } from '../../src/domain/alert.ts';

/** The publisher is a thin adapter: it follows the core's routing (the `routine` mark), it decides nothing. */

const topics = { rmAlerts: 'rm', rmRoutine: 'rm-routine', risk: 'risk', campaign: 'campaign', deadLetter: 'dlq' } as const;

/** Encodes as `<role>:<id>`, so a record's bytes say which schema role it was written with. */
const encoder = {
  encode: async (role: OutputRole, record: { alertId?: string; opportunityId?: string }) => Buffer.from(`${role}:${record.alertId ?? record.opportunityId}`),
} as unknown as AvroEncoder<OutputRole>;

function recordingProducer() {
  const batches: ProducerBatch[] = [];
  const producer = { sendBatch: async (batch: ProducerBatch) => void batches.push(batch) } as unknown as Producer;
  return { producer, batches };
}

const alert = (alertId: string, overrides: Partial<Alert> = {}): Alert =>
  alertSchema.parse({
    alertId,
    kind: 'LARGE_OUTFLOW',
    priority: 'MEDIUM',
    customerId: `c-${alertId}`,
    rmId: 'rm-7',
    queue: 'rm-7',
    branchId: null,
    tier: null,
    reason: 'Large outflow',
    suggestedAction: 'Call the customer.',
    evidence: [],
    currency: 'CZK',
    amountAtStakeMinor: 12_000_000,
    counterpartyKind: 'CASH',
    toCompetitor: false,
    causeTransactionId: null,
    rulesVersion: 'v',
    eventTime: 1,
    detectedAt: 2,
    ...overrides,
  });

describe('publish', () => {
  it('sends a routine RM alert to the routine topic keyed by queue, and its other feeds as always', async () => {
    const { producer, batches } = recordingProducer();
    const emissions: Emission[] = [
      { alert: alert('urgent', { priority: 'URGENT' }), feeds: ['risk', 'rm'] },
      { alert: alert('routine'), feeds: ['risk', 'rm'], routine: true },
      { alert: alert('inflow', { kind: 'LARGE_INFLOW' }), feeds: ['rm', 'campaign'], routine: true },
    ];
    const published = await publish(producer, encoder, topics, emissions, []);
    const sent = Object.fromEntries(
      batches[0]!.topicMessages!.map(({ topic, messages }) => [topic, messages.map((message) => `${String(message.key)}=${String(message.value)}`)]),
    );
    expect(sent).toEqual({
      rm: ['rm-7=rmAlerts:urgent'],
      'rm-routine': ['rm-7=rmRoutine:routine', 'rm-7=rmRoutine:inflow'],
      risk: ['c-urgent=risk:urgent', 'c-routine=risk:routine'],
      campaign: ['c-inflow=campaign:inflow'],
    });
    expect(batches[0]!.acks).toBe(-1);
    const routineHeaders = batches[0]!.topicMessages!.find(({ topic }) => topic === 'rm-routine')!.messages.map((message) => message.headers?.[ALERT_ID_HEADER]);
    expect(routineHeaders).toEqual(['routine', 'inflow']);
    expect(published.alerts.map(({ feed, alert: { alertId } }) => `${feed}:${alertId}`)).toEqual([
      'risk:urgent',
      'rm:urgent',
      'risk:routine',
      'rm_routine:routine',
      'rm_routine:inflow',
      'campaign:inflow',
    ]);
  });

  it('leaves the routine topic out when nothing is routine', async () => {
    const { producer, batches } = recordingProducer();
    await publish(producer, encoder, topics, [{ alert: alert('a'), feeds: ['rm'] }], []);
    expect(batches[0]!.topicMessages!.map(({ topic }) => topic)).toEqual(['rm']);
  });
});
