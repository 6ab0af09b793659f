import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readAvsc, schemaCatalog, topicRoles } from '../../src/adapters/registry/schemas.ts';
import { evidenceSchema } from '../../src/domain/alert.ts';

interface AvroField {
  name: string;
  type: unknown;
  default?: unknown;
  doc?: string;
}

interface AvroRecord {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}

const readRecord = (file: string) => inlineNamedTypes(JSON.parse(readAvsc(file)), new Map()) as AvroRecord;

const primitives = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/**
 * The schema with every reference to a named type defined earlier in it (RmDigest's countsByKind names AlertKind,
 * defined by its nested Alert) replaced by the definition, so the comparison below sees the type itself.
 */
function inlineNamedTypes(schema: unknown, named: Map<string, unknown>): unknown {
  if (typeof schema === 'string') return primitives.has(schema) ? schema : (named.get(schema) ?? schema);
  if (Array.isArray(schema)) return schema.map((branch) => inlineNamedTypes(branch, named));
  if (!isObject(schema)) return schema;
  const copy: Record<string, unknown> = { ...schema };
  if (typeof schema.name === 'string' && ['record', 'enum', 'fixed'].includes(String(schema.type))) named.set(schema.name, copy);
  if (Array.isArray(schema.fields)) {
    copy.fields = schema.fields.map((field: Record<string, unknown>) => ({ ...field, type: inlineNamedTypes(field.type, named) }));
  }
  if (typeof schema.type === 'object' || (typeof schema.type === 'string' && !primitives.has(schema.type) && named.has(schema.type))) {
    copy.type = inlineNamedTypes(schema.type, named);
  }
  if ('items' in schema) copy.items = inlineNamedTypes(schema.items, named);
  return copy;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Where an Avro type and its zod mirror disagree, as readable lines (empty when they agree): nullability, enum
 * symbols and their order, record fields (recursively, so nested records like Alert's Evidence are covered),
 * array items, and the primitive each side expects.
 */
function mismatches(avro: unknown, mirror: z.ZodType, path: string): string[] {
  // a field added later with a default: the same type underneath (its default is compared with the field's below)
  if (mirror instanceof z.ZodDefault) return mismatches(avro, mirror.unwrap() as z.ZodType, path);
  if (Array.isArray(avro)) {
    if (avro.length !== 2 || avro[0] !== 'null') return [`${path}: only ["null", T] unions are mirrored, got ${JSON.stringify(avro)}`];
    if (!(mirror instanceof z.ZodNullable)) return [`${path}: nullable in Avro, not in zod`];
    return mismatches(avro[1], mirror.unwrap() as z.ZodType, path);
  }
  if (mirror instanceof z.ZodNullable) return [`${path}: nullable in zod, not in Avro`];

  const typeName = typeof avro === 'string' ? avro : isObject(avro) ? avro.type : undefined;
  switch (typeName) {
    case 'record': {
      if (!(mirror instanceof z.ZodObject)) return [`${path}: record in Avro, ${mirror.def.type} in zod`];
      const fields = (avro as AvroRecord).fields;
      const avroNames = fields.map((field) => field.name).sort();
      const zodNames = Object.keys(mirror.shape).sort();
      if (JSON.stringify(avroNames) !== JSON.stringify(zodNames)) {
        return [`${path}: fields differ, Avro [${avroNames.join(', ')}] vs zod [${zodNames.join(', ')}]`];
      }
      const defaults = fields.flatMap((field) => {
        const fieldMirror = mirror.shape[field.name] as z.ZodType;
        if (!(fieldMirror instanceof z.ZodDefault)) return [];
        const zodDefault: unknown = fieldMirror.def.defaultValue;
        return JSON.stringify(field.default) === JSON.stringify(zodDefault)
          ? []
          : [`${path}.${field.name}: default ${JSON.stringify(field.default)} in Avro, ${JSON.stringify(zodDefault)} in zod`];
      });
      return [...defaults, ...fields.flatMap((field) => mismatches(field.type, mirror.shape[field.name] as z.ZodType, `${path}.${field.name}`))];
    }
    case 'array':
      if (!(mirror instanceof z.ZodArray)) return [`${path}: array in Avro, ${mirror.def.type} in zod`];
      return mismatches((avro as { items: unknown }).items, mirror.element as z.ZodType, `${path}[]`);
    case 'enum': {
      if (!(mirror instanceof z.ZodEnum)) return [`${path}: enum in Avro, ${mirror.def.type} in zod`];
      const symbols = (avro as { symbols: string[] }).symbols;
      return JSON.stringify(mirror.options) === JSON.stringify(symbols)
        ? []
        : [`${path}: enum symbols differ, Avro [${symbols.join(', ')}] vs zod [${mirror.options.join(', ')}]`];
    }
    case 'string':
    case 'boolean':
      return mirror.def.type === typeName ? [] : [`${path}: ${typeName} in Avro, ${mirror.def.type} in zod`];
    case 'int':
    case 'long':
      // logical types (timestamp-millis, date) included: they are read and written as plain numbers
      return mirror instanceof z.ZodNumber && mirror.isInt ? [] : [`${path}: ${typeName} in Avro, not an integer in zod`];
    case 'bytes':
      return mirror.safeParse(Buffer.from([1])).success && !mirror.safeParse('x').success ? [] : [`${path}: bytes in Avro, not a Buffer in zod`];
    default:
      return [`${path}: Avro type ${JSON.stringify(avro)} has no mirror rule`];
  }
}

/** Every (avsc, zod) pair the catalog uses, once each (the RM alerts and risk topics share Alert). */
const pairs = [...new Map(topicRoles.map((role) => [schemaCatalog[role].avscFile, schemaCatalog[role]])).values()].map(
  ({ avscFile, zod }) => ({ avro: avscFile, zod }),
);

describe('the schema catalog', () => {
  it('covers every file in avro/', () => {
    const files = readdirSync(new URL('../../avro/', import.meta.url)).filter((file) => file.endsWith('.avsc'));
    expect(pairs.map((pair) => pair.avro).sort()).toEqual(files.sort());
  });

  it('catches a mirror that drifted (the comparison is not vacuous)', () => {
    const drifted = {
      type: 'record',
      name: 'Drift',
      fields: [
        { name: 'kind', type: { type: 'enum', name: 'K', symbols: ['B', 'A'] } },
        { name: 'note', type: 'string' },
        { name: 'items', type: { type: 'array', items: { type: 'record', name: 'I', fields: [{ name: 'n', type: 'int' }] } } },
      ],
    };
    const mirror = z.object({
      kind: z.enum(['A', 'B']),
      note: z.string().nullable(),
      items: z.array(z.object({ n: z.string() })),
    });
    expect(mismatches(drifted, mirror, 'Drift')).toEqual([
      'Drift.kind: enum symbols differ, Avro [B, A] vs zod [A, B]',
      'Drift.note: nullable in zod, not in Avro',
      'Drift.items[].n: int in Avro, not an integer in zod',
    ]);
  });
});

describe.each(pairs)('$avro and its zod mirror', ({ avro, zod }) => {
  const record = readRecord(avro);
  const shape = (zod as z.ZodObject).shape as Record<string, z.ZodType>;

  it('is a documented record in dev.tidewatch.v1', () => {
    expect(record.type).toBe('record');
    expect(record.namespace).toBe('dev.tidewatch.v1');
    expect(record.doc ?? '').not.toBe('');
  });

  it('have the same fields', () => {
    expect(Object.keys(shape).sort()).toEqual(record.fields.map((field) => field.name).sort());
  });

  it.each(record.fields.map((field) => [field.name, field] as const))('agree on %s', (name, field) => {
    const mirror = shape[name];
    expect(mirror).toBeDefined();
    if (mirror === undefined) return;
    expect(mismatches(field.type, mirror, `${record.name}.${name}`)).toEqual([]);
  });

  it('give every nullable field a null default, so readers of older records can fill it', () => {
    const nullable = record.fields.filter((field) => Array.isArray(field.type));
    for (const field of nullable) expect({ field: field.name, default: field.default }).toEqual({ field: field.name, default: null });
  });

  it('carry money as long minor units and times as UTC millis', () => {
    for (const field of record.fields) {
      if (field.name.endsWith('Minor')) expect({ field: field.name, type: field.type }).toEqual({ field: field.name, type: 'long' });
      if (['eventTime', 'detectedAt', 'updatedAt', 'failedAt'].includes(field.name)) {
        expect({ field: field.name, type: field.type }).toEqual({ field: field.name, type: { type: 'long', logicalType: 'timestamp-millis' } });
      }
    }
  });
});

describe('Alert.avsc', () => {
  const evidence = readRecord('Alert.avsc').fields.find((field) => field.name === 'evidence');

  it('nests the Evidence record in an array, mirroring evidenceSchema', () => {
    expect(evidence?.type).toMatchObject({ type: 'array', items: { type: 'record', name: 'Evidence' } });
    const items = (evidence?.type as { items: unknown }).items;
    expect(mismatches(items, evidenceSchema, 'Evidence')).toEqual([]);
  });
});

describe('RmDigest.avsc', () => {
  it('nests Alert.avsc unchanged, so a digest carries the very alerts of the routine topic', () => {
    const digest = JSON.parse(readAvsc('RmDigest.avsc')) as AvroRecord;
    const alerts = digest.fields.find((field) => field.name === 'alerts')?.type as { type: string; items: unknown };
    expect(alerts.type).toBe('array');
    expect(alerts.items).toEqual(JSON.parse(readAvsc('Alert.avsc')));
  });

  it('names AlertKind and Priority in its counts, after the nested Alert defines them', () => {
    const fields = (JSON.parse(readAvsc('RmDigest.avsc')) as AvroRecord).fields.map((field) => field.name);
    expect(fields.indexOf('alerts')).toBeLessThan(fields.indexOf('countsByKind'));
    const counts = readRecord('RmDigest.avsc').fields.find((field) => field.name === 'countsByKind')?.type;
    expect(counts).toMatchObject({ items: { fields: [{ name: 'kind', type: { type: 'enum', name: 'AlertKind' } }, { name: 'count', type: 'int' }] } });
  });
});

describe('CustomerProfile.avsc', () => {
  it('keeps relationshipStartDay a nullable Avro date (days since 1970-01-01)', () => {
    const field = readRecord('CustomerProfile.avsc').fields.find((candidate) => candidate.name === 'relationshipStartDay');
    expect(field?.type).toEqual(['null', { type: 'int', logicalType: 'date' }]);
  });
});

describe('ProductEvent.avsc', () => {
  const fields = readRecord('ProductEvent.avsc').fields;

  it('keeps maturityDate an Avro date (days since 1970-01-01, the core’s business day number), never null', () => {
    expect(fields.find((field) => field.name === 'maturityDate')?.type).toEqual({ type: 'int', logicalType: 'date' });
  });

  it('carries the principal as long minor units, and no default on the kind and status (a guess would alert wrongly)', () => {
    expect(fields.find((field) => field.name === 'principalMinor')?.type).toBe('long');
    for (const name of ['productKind', 'status', 'autoRollover']) expect(fields.find((field) => field.name === name)).not.toHaveProperty('default');
  });
});
