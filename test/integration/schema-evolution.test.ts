import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createSchemaRegistry } from '../../src/adapters/registry/client.ts';
import { describe, expect, it } from 'vitest';
import { AvroEncoder, RecordValidationError } from '../../src/adapters/registry/avro-encoder.ts';
import { AvroDecoder } from '../../src/adapters/registry/avro-decoder.ts';
import {
  lookUpSchemaIds,
  readAvsc,
  registerSchemas,
  schemaCatalog,
  topicRoles,
  valueSubject,
} from '../../src/adapters/registry/schemas.ts';
import type { RecordOf, TopicRole, TopicsByRole } from '../../src/adapters/registry/schemas.ts';
import type { Alert } from '../../src/domain/alert.ts';
import { transaction } from '../support/fixtures.ts';
import { describeIntegration } from '../support/integration.ts';

interface AvroField {
  name: string;
  type: unknown;
  default?: unknown;
}
interface AvroRecord {
  type: 'record';
  name: string;
  namespace?: string;
  fields: AvroField[];
}

const parseAvsc = (file: string) => JSON.parse(readAvsc(file)) as AvroRecord;

/** The avsc of `file` with `change` applied to a parsed copy. */
function evolved(file: string, change: (record: AvroRecord) => void): AvroRecord {
  const record = parseAvsc(file);
  change(record);
  return record;
}

function fieldOf(record: AvroRecord, name: string): AvroField {
  const field = record.fields.find((candidate) => candidate.name === name);
  if (field === undefined) throw new Error(`${record.name} has no field ${name}`);
  return field;
}

const alert: Alert = {
  alertId: 'al-7f3a',
  kind: 'LARGE_OUTFLOW',
  priority: 'URGENT',
  customerId: 'c-1',
  rmId: null,
  queue: 'UNASSIGNED',
  branchId: 'b-12',
  tier: 'GOLD',
  reason: 'CZK 1 500 000 left for another bank',
  suggestedAction: 'Call the customer today',
  evidence: [
    { metric: 'outflow_single', unit: 'MINOR_UNITS', value: 150_000_000, threshold: 50_000_000, baseline: null },
    { metric: 'share_of_balance', unit: 'BASIS_POINTS', value: 8_700, threshold: null, baseline: 300 },
  ],
  currency: 'CZK',
  // the largest long avsc carries exactly: money must survive as an exact long, far beyond 32 bits
  amountAtStakeMinor: 9_007_199_254_740_990,
  counterpartyKind: 'OTHER_BANK',
  toCompetitor: true,
  causeTransactionId: 't-1',
  rulesVersion: '2024-06-01',
  eventTime: Date.UTC(2024, 5, 3, 22, 15),
  detectedAt: Date.UTC(2024, 5, 3, 22, 15, 2, 345),
};

/** One representative record per role, with nulls where the schema allows them. */
const samples: { [R in TopicRole]: RecordOf<R> } = {
  transactions: transaction(),
  profiles: {
    customerId: 'c-1',
    rmId: 'rm-4',
    branchId: 'b-12',
    householdId: null,
    servedTier: 'GOLD',
    riskAppetite: 'MEDIUM',
    marketingConsent: true,
    relationshipStartDay: 12_053, // 2003-01-01
    status: 'ACTIVE',
    updatedAt: Date.UTC(2024, 0, 31, 23, 59, 59, 999),
    rmStatus: 'ACTIVE',
  },
  outcomes: { alertId: alert.alertId, customerId: 'c-1', kind: 'CHURN_RISK', outcome: 'NOT_INTERESTED', rmId: null, recordedAt: Date.UTC(2024, 5, 4, 9) },
  products: {
    eventId: 'pe-1',
    customerId: 'c-1',
    productId: 'td-1',
    productKind: 'TIME_DEPOSIT',
    principalMinor: 300_000_00,
    currency: 'CZK',
    maturityDate: 20_787, // 2026-11-30
    autoRollover: false,
    status: 'ACTIVE',
    eventTime: Date.UTC(2026, 10, 16, 8),
  },
  rmAlerts: alert,
  risk: { ...alert, kind: 'LEAKAGE', priority: 'LOW', queue: 'rm-4', rmId: 'rm-4', evidence: [], counterpartyKind: null, causeTransactionId: null },
  campaign: {
    opportunityId: 'op-19',
    kind: 'LARGE_INFLOW',
    customerId: 'c-2',
    rmId: null,
    tier: null,
    amountMinor: 2_000_000_00,
    currency: 'EUR',
    rulesVersion: '2024-06-01',
    eventTime: Date.UTC(2024, 1, 29, 0, 0),
    detectedAt: Date.UTC(2024, 1, 29, 0, 0, 1),
  },
  deadLetter: {
    reason: 'undecodable',
    detail: 'not a schema-registry framed record (magic byte 0, schema id, body)',
    sourceTopic: 'tidewatch.transactions.v1',
    sourcePartition: 5,
    sourceOffset: 4_294_967_296,
    key: Buffer.from('c-1'),
    value: Buffer.from([0xff, 0x00, 0x01, 0x02]),
    failedAt: Date.UTC(2024, 5, 3, 22, 15, 3),
  },
  rmRoutine: { ...alert, priority: 'MEDIUM', queue: 'rm-4', rmId: 'rm-4' },
  audit: {
    auditId: '0b8f2d4e-5c1a-4b7e-9f3d-2a6c8e1b4d70',
    kind: 'RULES',
    version: '2024-06-01',
    previousVersion: null,
    sha256: 'a'.repeat(64),
    trigger: 'START',
    path: '/etc/tidewatch/rules/default.yaml',
    host: 'tidewatch-7d9f8-abcde',
    process: 'tidewatch',
    actor: null,
    loadedAt: Date.UTC(2024, 5, 3, 22, 15),
  },
  rmDigests: {
    digestId: 'dg-51c0',
    queue: 'rm-4',
    rmId: 'rm-4',
    windowStart: Date.UTC(2024, 5, 3, 11, 30),
    windowEnd: Date.UTC(2024, 5, 4, 6, 30),
    timeZone: 'Europe/Prague',
    alerts: [{ ...alert, priority: 'MEDIUM', queue: 'rm-4', rmId: 'rm-4' }],
    alertCount: 2,
    countsByKind: [{ kind: 'LARGE_OUTFLOW', count: 2 }],
    countsByPriority: [
      { priority: 'MEDIUM', count: 1 },
      { priority: 'LOW', count: 1 },
    ],
    omittedAlertIds: ['al-80b1'],
    rulesVersion: '2024-06-01',
    createdAt: Date.UTC(2024, 5, 4, 6, 30, 1),
  },
};

describeIntegration('schema registration and evolution', (context) => {
  const registryUrl = context.endpoints.schemaRegistryUrl;
  let generation = 0;

  /** Topics of every role no other test has used, so each test starts from empty subjects. */
  const freshTopics = (): TopicsByRole => {
    generation += 1;
    return Object.fromEntries(topicRoles.map((role) => [role, context.topic(`${role}-${generation}`)])) as Record<TopicRole, string>;
  };

  async function compatibilityOf(subject: string): Promise<unknown> {
    const response = await fetch(`${registryUrl}/config/${encodeURIComponent(subject)}`);
    return response.json();
  }

  describe('registerSchemas', () => {
    it('registers every role under <topic>-value with BACKWARD compatibility, idempotently', async () => {
      const topics = freshTopics();
      const ids = await registerSchemas(registryUrl, topics);
      for (const role of topicRoles) {
        expect(ids[role], role).toBeGreaterThan(0);
        expect(await compatibilityOf(valueSubject(topics[role])), role).toMatchObject({ compatibilityLevel: 'BACKWARD' });
      }
      // the RM alerts and risk topics carry the same schema
      expect(ids.risk).toBe(ids.rmAlerts);
      expect(await registerSchemas(registryUrl, topics)).toEqual(ids);
    });

    it('pins BACKWARD on a subject someone registered before without it', async () => {
      // a registry's global default may be NONE (Apicurio's is): a subject left unpinned would take any change
      const topic = context.topic('unpinned');
      const subject = valueSubject(topic);
      const registry = createSchemaRegistry(registryUrl);
      await registry.register({ type: SchemaType.AVRO, schema: readAvsc('Transaction.avsc') }, { subject, compatibility: COMPATIBILITY.NONE });
      expect(await compatibilityOf(subject)).toMatchObject({ compatibilityLevel: 'NONE' });

      await registerSchemas(registryUrl, { transactions: topic });
      expect(await compatibilityOf(subject)).toMatchObject({ compatibilityLevel: 'BACKWARD' });
      const incompatible = evolved('Transaction.avsc', (record) => record.fields.push({ name: 'merchantId', type: 'string' }));
      await expect(registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(incompatible) }, { subject })).rejects.toMatchObject({ status: 409 });
    });

    it('finds the same ids by schema when registration is left to a pipeline', async () => {
      const topics = freshTopics();
      const registered = await registerSchemas(registryUrl, topics);
      expect(await lookUpSchemaIds(registryUrl, topics)).toEqual(registered);
    });

    // Apicurio's lookup by schema matches byte for byte (Confluent's normalizes): the fallback must cover it
    it('finds a schema a pipeline registered reformatted', async () => {
      const topic = context.topic('minified');
      const registry = createSchemaRegistry(registryUrl);
      const minified = JSON.stringify(JSON.parse(readAvsc('Alert.avsc')));
      const { id } = await registry.register({ type: SchemaType.AVRO, schema: minified }, { subject: valueSubject(topic) });
      expect(await lookUpSchemaIds(registryUrl, { risk: topic })).toEqual({ risk: id });
    });

    it('names the subject when a schema to look up is not registered', async () => {
      const topic = context.topic('never-registered');
      await expect(lookUpSchemaIds(registryUrl, { transactions: topic })).rejects.toThrow(valueSubject(topic));
      // a subject holding only another version is no better: its id would encode with the wrong schema
      const other = context.topic('other-version');
      const registry = createSchemaRegistry(registryUrl);
      const older = evolved('Transaction.avsc', (record) => record.fields.pop());
      await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(older) }, { subject: valueSubject(other) });
      await expect(lookUpSchemaIds(registryUrl, { transactions: other })).rejects.toThrow(valueSubject(other));
    });
  });

  describe.each([
    {
      role: 'transactions' as const,
      compatibleChange: 'adds an optional merchantName with a null default',
      compatible: (record: AvroRecord) => record.fields.push({ name: 'merchantName', type: ['null', 'string'], default: null }),
      incompatibleChange: 'adds a required merchantId without a default',
      incompatible: (record: AvroRecord) => record.fields.push({ name: 'merchantId', type: 'string' }),
      addedField: 'merchantName',
    },
    {
      role: 'rmAlerts' as const,
      compatibleChange: 'adds an optional acknowledgedBy, and a defaulted windowDays to the nested Evidence',
      compatible: (record: AvroRecord) => {
        record.fields.push({ name: 'acknowledgedBy', type: ['null', 'string'], default: null });
        const evidence = fieldOf(record, 'evidence').type as { items: AvroRecord };
        evidence.items.fields.push({ name: 'windowDays', type: 'int', default: 0 });
      },
      incompatibleChange: 'turns amountAtStakeMinor from long into string',
      incompatible: (record: AvroRecord) => {
        fieldOf(record, 'amountAtStakeMinor').type = 'string';
      },
      addedField: 'acknowledgedBy',
    },
  ])('$role schema evolution', ({ role, compatibleChange, compatible, incompatibleChange, incompatible, addedField }) => {
    const file = schemaCatalog[role].avscFile;

    it(`accepts a version that ${compatibleChange}, and its readers still read the old records`, async () => {
      const topics = freshTopics();
      const subject = valueSubject(topics[role]);
      const encoder = await AvroEncoder.connect(registryUrl, { [role]: topics[role] } as TopicsByRole<typeof role>, { register: true });
      const written = await encoder.encode(role, samples[role]);

      const registry = createSchemaRegistry(registryUrl);
      const next = evolved(file, compatible);
      const { id: nextId } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(next) }, { subject });
      expect(nextId).not.toBe(encoder.schemaIdOf(role));

      const read = (await registry.decode(written, { AVRO: { readerSchema: next } })) as Record<string, unknown>;
      expect(read[addedField]).toBeNull();
      expect(schemaCatalog[role].zod.parse(read)).toEqual(samples[role]);
    });

    it(`refuses a version that ${incompatibleChange}`, async () => {
      const topics = freshTopics();
      const subject = valueSubject(topics[role]);
      await registerSchemas(registryUrl, { [role]: topics[role] } as TopicsByRole<typeof role>);
      const registry = createSchemaRegistry(registryUrl);
      const refusal = registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(evolved(file, incompatible)) }, { subject });
      await expect(refusal).rejects.toMatchObject({ name: 'ResponseError', status: 409 });
      // the refused version left nothing behind: the subject still has one version
      const versions = (await (await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`)).json()) as unknown[];
      expect(versions).toHaveLength(1);
    });
  });

  describe('AvroEncoder', () => {
    it.each(topicRoles)('round-trips a %s record through the registry into its zod schema', async (role) => {
      const topics = freshTopics();
      const encoder = await AvroEncoder.connect(registryUrl, topics, { register: true });
      const bytes = await encoder.encode(role, samples[role]);
      expect(bytes.readInt32BE(1)).toBe(encoder.schemaIdOf(role));

      // a decoder of its own: the schema is fetched by id from the registry, not from the encoder's cache
      const decoded = await AvroDecoder.forUrl(registryUrl).decode(bytes);
      if (!decoded.ok) throw new Error(`${decoded.reason}: ${decoded.detail}`);
      expect(schemaCatalog[role].zod.parse(decoded.value)).toEqual(samples[role]);
    });

    it('reads timestamp-millis and date back as numbers, bytes as Buffers', async () => {
      const topics = freshTopics();
      const encoder = await AvroEncoder.connect(registryUrl, topics, { register: true });
      const decoder = AvroDecoder.forUrl(registryUrl);
      const profile = await decoder.decode(await encoder.encode('profiles', samples.profiles));
      const deadLetter = await decoder.decode(await encoder.encode('deadLetter', { ...samples.deadLetter, key: null }));
      expect(profile).toMatchObject({ ok: true, value: { updatedAt: samples.profiles.updatedAt, relationshipStartDay: 12_053 } });
      expect(deadLetter).toMatchObject({ ok: true, value: { failedAt: samples.deadLetter.failedAt, key: null } });
      const value = (deadLetter as { value: { value: unknown } }).value.value;
      expect(Buffer.isBuffer(value) && value.equals(samples.deadLetter.value ?? Buffer.alloc(0))).toBe(true);
    });

    it('refuses a record its zod schema rejects, before it reaches Avro', async () => {
      const topics = freshTopics();
      const encoder = await AvroEncoder.connect(registryUrl, { rmAlerts: topics.rmAlerts }, { register: true });
      const refusal = encoder.encode('rmAlerts', { ...alert, currency: 'czk', amountAtStakeMinor: 1.5 });
      await expect(refusal).rejects.toBeInstanceOf(RecordValidationError);
      await expect(refusal).rejects.toThrow(/currency.*amountAtStakeMinor/);
    });

    it('refuses a long avsc cannot carry exactly, though zod lets it pass', async () => {
      const topics = freshTopics();
      const encoder = await AvroEncoder.connect(registryUrl, { transactions: topics.transactions }, { register: true });
      const refusal = encoder.encode('transactions', transaction({ amountMinor: Number.MAX_SAFE_INTEGER }));
      await expect(refusal).rejects.toBeInstanceOf(RecordValidationError);
      await expect(refusal).rejects.toThrow('amountMinor: not representable in Transaction.avsc');
    });

    it('encodes with the ids a pipeline registered when it must not register', async () => {
      const topics = freshTopics();
      const registered = await registerSchemas(registryUrl, topics);
      const encoder = await AvroEncoder.connect(registryUrl, topics, { register: false });
      for (const role of topicRoles) expect(encoder.schemaIdOf(role), role).toBe(registered[role]);
    });
  });
});
