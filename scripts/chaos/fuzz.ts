import type { Transaction } from '../../src/domain/transaction.ts';
import { seededRandom } from '../../bench/random.ts';

/**
 * Damaged transaction records for the fault suite, built from the clean input by a seeded generator so that every
 * run damages the same way. Each kind says what a careless or hostile source sends; what tidewatch should do with
 * it is to dead-letter it with a reason (malformed, implausible) or to count it once (re-sends).
 */
export const malformedKinds = ['bad_avro', 'unknown_schema', 'truncated', 'not_framed', 'wrong_type', 'null_value'] as const;
export const implausibleKinds = ['huge_amount', 'zero_or_negative', 'control_chars', 'far_past', 'far_future', 'resend'] as const;
export type FuzzKind = (typeof malformedKinds)[number] | (typeof implausibleKinds)[number];

/** One record of the input as produced: its customer (the key), its bytes, and the transaction they encode. */
export interface EncodedTransaction {
  transaction: Transaction;
  value: Buffer;
}

export interface FuzzRecord {
  kind: FuzzKind;
  key: string;
  value: Buffer | null;
  /** Inserted into the stream right after this index of the clean input. */
  after: number;
}

export interface FuzzEncoders {
  /** Confluent-framed Avro of a Transaction, typed by Avro only (no domain validation): negative amounts pass. */
  transaction(record: Transaction): Promise<Buffer>;
  /** A CustomerProfile-framed record: valid Avro of the wrong schema for the topic. */
  profileBytes(customerId: string): Promise<Buffer>;
}

const YEAR_MS = 365 * 86_400_000;
const UNKNOWN_SCHEMA_ID = 2_000_000_000;

/** `count` damaged records of the given kinds, spread evenly over the kinds and at random over the input. */
export async function fuzzRecords(
  input: readonly EncodedTransaction[],
  kinds: readonly FuzzKind[],
  count: number,
  seed: number,
  encoders: FuzzEncoders,
  /** How far back a re-send reaches, in the customer's own records. */
  maxResendDepth = 60,
): Promise<FuzzRecord[]> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const positionsByCustomer = new Map<string, number[]>();
  input.forEach((record, index) => {
    const positions = positionsByCustomer.get(record.transaction.customerId) ?? [];
    positions.push(index);
    positionsByCustomer.set(record.transaction.customerId, positions);
  });
  const records: FuzzRecord[] = [];
  for (let serial = 0; serial < count; serial += 1) {
    const kind = kinds[serial % kinds.length]!;
    const after = Math.floor(random() * input.length);
    const original = input[after]!;
    const { transaction } = original;
    const fresh = { ...transaction, transactionId: `fuzz-${serial}-${transaction.transactionId}` };
    const key = transaction.customerId;
    switch (kind) {
      case 'bad_avro': {
        const body = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 60) }, () => Math.floor(random() * 256)));
        records.push({ kind, key, value: Buffer.concat([original.value.subarray(0, 5), body]), after });
        break;
      }
      case 'unknown_schema': {
        const value = Buffer.from(original.value);
        value.writeInt32BE(UNKNOWN_SCHEMA_ID + serial, 1);
        records.push({ kind, key, value, after });
        break;
      }
      case 'truncated':
        records.push({ kind, key, value: original.value.subarray(0, 1 + Math.floor(random() * (original.value.length - 2))), after });
        break;
      case 'not_framed':
        records.push({ kind, key, value: Buffer.from(random() < 0.5 ? JSON.stringify(fresh) : `\u0001${'x'.repeat(Math.floor(random() * 40))}`), after });
        break;
      case 'wrong_type':
        records.push({ kind, key, value: await encoders.profileBytes(key), after });
        break;
      case 'null_value':
        records.push({ kind, key, value: null, after });
        break;
      case 'huge_amount':
        records.push({ kind, key, value: await encoders.transaction({ ...fresh, amountMinor: 2 ** 53 - 2, balanceAfterMinor: 2 ** 53 - 2 }), after });
        break;
      case 'zero_or_negative':
        records.push({ kind, key, value: await encoders.transaction({ ...fresh, amountMinor: random() < 0.5 ? 0 : -Math.ceil(random() * 100_000) }), after });
        break;
      case 'control_chars': {
        const customerId = `${pick(['\u0000', '\u202e', '\u0007', '\u001b[31m'])}${transaction.customerId}`;
        records.push({ kind, key: customerId, value: await encoders.transaction({ ...fresh, customerId, accountId: `${customerId}-acc` }), after });
        break;
      }
      case 'far_past':
        records.push({ kind, key, value: await encoders.transaction({ ...fresh, eventTime: 86_400_000 + Math.floor(random() * YEAR_MS) }), after });
        break;
      case 'far_future':
        records.push({ kind, key, value: await encoders.transaction({ ...fresh, eventTime: transaction.eventTime + (5 + Math.floor(random() * 20)) * YEAR_MS }), after });
        break;
      case 'resend': {
        // a byte-identical re-send of one of the customer's own earlier records, up to maxResendDepth of its records back
        const own = positionsByCustomer.get(key)!;
        const at = own.indexOf(after);
        const earlier = own[Math.max(0, at - Math.floor(random() * maxResendDepth))]!;
        records.push({ kind, key, value: input[earlier]!.value, after });
        break;
      }
    }
  }
  return records;
}

/** The clean input with the damaged records inserted where they belong, as (key, value, kind) in produce order. */
export function interleave(input: readonly EncodedTransaction[], fuzz: readonly FuzzRecord[]): Array<{ key: string; value: Buffer | null; kind: FuzzKind | null }> {
  const byPosition = new Map<number, FuzzRecord[]>();
  for (const record of fuzz) byPosition.set(record.after, [...(byPosition.get(record.after) ?? []), record]);
  return input.flatMap((record, index) => [
    { key: record.transaction.customerId, value: record.value, kind: null },
    ...(byPosition.get(index) ?? []).map((damaged) => ({ key: damaged.key, value: damaged.value, kind: damaged.kind })),
  ]);
}
