import type { z } from 'zod';
import { customerProfileSchema } from '../../domain/profile.ts';
import type { CustomerProfile } from '../../domain/profile.ts';
import { transactionSchema } from '../../domain/transaction.ts';
import type { Transaction } from '../../domain/transaction.ts';
import type { ProfileItem, Rejected, ReplayItem } from '../records.ts';
import { splitFields } from './csv-fields.ts';
import { readLines } from './lines.ts';
import { rejected, validate } from './validate.ts';

/** How a column's text becomes the record's value; nullable fields read an empty field as null. */
type FieldType = 'string' | 'nullableString' | 'integer' | 'nullableInteger' | 'boolean';

const transactionFields: Record<keyof Transaction, FieldType> = {
  transactionId: 'string',
  accountId: 'string',
  customerId: 'string',
  amountMinor: 'integer',
  currency: 'string',
  direction: 'string',
  balanceAfterMinor: 'integer',
  eventTime: 'integer',
  channel: 'string',
  category: 'string',
  counterpartyKind: 'string',
  counterpartyBankCode: 'nullableString',
  initiatedBy: 'string',
};

const profileFields: Record<keyof CustomerProfile, FieldType> = {
  customerId: 'string',
  rmId: 'nullableString',
  branchId: 'string',
  householdId: 'nullableString',
  servedTier: 'string',
  riskAppetite: 'string',
  marketingConsent: 'boolean',
  relationshipStartDay: 'nullableInteger',
  status: 'string',
  updatedAt: 'integer',
  rmStatus: 'string',
};

/** Columns a file may leave out: the schema gives them a default. */
const optionalProfileColumns = new Set(['rmStatus']);

const INTEGER = /^-?\d+$/;

/** A field's text as the schema expects it; text that is not what the type says is left for the schema to refuse. */
function valueOf(raw: string, type: FieldType): unknown {
  switch (type) {
    case 'string':
      return raw;
    case 'nullableString':
      return raw === '' ? null : raw;
    case 'integer':
      return INTEGER.test(raw) ? Number(raw) : raw;
    case 'nullableInteger':
      return raw === '' ? null : INTEGER.test(raw) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
  }
}

export class CsvHeaderError extends Error {
  override readonly name = 'CsvHeaderError';
}

/**
 * A CSV file whose header row names the record's fields (any order; unknown columns are ignored), one record per
 * row. A header that lacks a field stops the replay before any record is read; a bad row is quarantined.
 */
async function* csvRecords<S extends z.ZodType, I>(
  path: string,
  schema: S,
  fields: Record<string, FieldType>,
  optional: ReadonlySet<string>,
  toItem: (value: z.output<S>, line: number) => I,
  onBytes?: (bytesRead: number) => void,
): AsyncGenerator<Array<I | Rejected>> {
  let columns: Array<[name: string, type: FieldType] | undefined> | undefined;
  for await (const { lines, firstLine } of readLines(path, onBytes)) {
    const items: Array<I | Rejected> = [];
    for (let index = 0; index < lines.length; index += 1) {
      const text = lines[index]!;
      if (text.trim().length === 0) continue;
      const line = firstLine + index;
      const cells = splitFields(text, ',');
      if (columns === undefined) {
        if (cells === undefined) throw new CsvHeaderError(`${path}: the header row has an unterminated quote`);
        columns = headerOf(path, cells, fields, optional);
        continue;
      }
      if (cells === undefined) {
        items.push(rejected(path, line, 'unterminated quote'));
        continue;
      }
      if (cells.length !== columns.length) {
        items.push(rejected(path, line, `${cells.length} fields where the header has ${columns.length}`));
        continue;
      }
      const record: Record<string, unknown> = {};
      cells.forEach((cell, column) => {
        const field = columns![column];
        if (field !== undefined) record[field[0]] = valueOf(cell, field[1]);
      });
      const checked = validate(schema, record);
      items.push(checked.ok ? toItem(checked.value, line) : rejected(path, line, checked.detail));
    }
    if (items.length > 0) yield items;
  }
}

function headerOf(path: string, cells: string[], fields: Record<string, FieldType>, optional: ReadonlySet<string>): Array<[string, FieldType] | undefined> {
  const names = cells.map((cell) => cell.trim());
  const missing = Object.keys(fields).filter((name) => !optional.has(name) && !names.includes(name));
  if (missing.length > 0) throw new CsvHeaderError(`${path}: the header row lacks ${missing.join(', ')} (it must name the record's fields)`);
  return names.map((name) => (Object.hasOwn(fields, name) ? [name, fields[name]!] : undefined));
}

export function csvTransactions(path: string, onBytes?: (bytesRead: number) => void): AsyncGenerator<ReplayItem[]> {
  return csvRecords(path, transactionSchema, transactionFields, new Set(), (transaction, line) => ({ kind: 'transaction' as const, transaction, line }), onBytes);
}

export function csvProfiles(path: string): AsyncGenerator<ProfileItem[]> {
  return csvRecords(path, customerProfileSchema, profileFields, optionalProfileColumns, (profile) => ({ kind: 'profile' as const, profile }));
}

/** The header row of a transactions CSV, fields in Avro order (what `csvTransactions` reads back). */
export const transactionCsvHeader = Object.keys(transactionFields).join(',');
