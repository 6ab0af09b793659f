import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { transactionSchema } from '../../src/domain/transaction.ts';

interface AvroField {
  name: string;
  type: unknown;
  default?: unknown;
}

const readRecord = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../avro/${file}`, import.meta.url), 'utf8')) as { fields: AvroField[] };

/** The enum symbols of an Avro field type, if it is an enum (possibly inside a union). */
function enumSymbols(type: unknown): string[] | undefined {
  if (Array.isArray(type)) return type.map(enumSymbols).find((symbols) => symbols !== undefined);
  if (typeof type === 'object' && type !== null && (type as { type?: unknown }).type === 'enum') {
    return (type as { symbols: string[] }).symbols;
  }
  return undefined;
}

const isNullable = (type: unknown) => Array.isArray(type) && type.includes('null');

describe.each([{ avro: 'Transaction.avsc', zod: transactionSchema }])('$avro and its zod mirror', ({ avro, zod }) => {
  const record = readRecord(avro);
  const shape = zod.shape as Record<string, z.ZodType>;

  it('have the same fields', () => {
    expect(Object.keys(shape).sort()).toEqual(record.fields.map((field) => field.name).sort());
  });

  it.each(record.fields.map((field) => [field.name, field] as const))('agree on %s', (name, field) => {
    const mirror = shape[name];
    expect(mirror).toBeDefined();
    const symbols = enumSymbols(field.type);
    if (symbols !== undefined) {
      expect((mirror as unknown as { options: string[] }).options).toEqual(symbols);
    }
    expect(mirror?.safeParse(null).success).toBe(isNullable(field.type));
  });
});
