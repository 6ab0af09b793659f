import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channels, categories, counterpartyKinds, directions, initiators, transactionOfKnownShape, transactionSchema } from '../../src/domain/transaction.ts';
import { jsonlTransactions } from '../../src/replay/inputs/jsonl.ts';
import { validate } from '../../src/replay/inputs/validate.ts';
import type { ReplayItem } from '../../src/replay/records.ts';

const valid = {
  transactionId: 'tx-000001',
  accountId: 'CZ-0001',
  customerId: 'C000001',
  amountMinor: 125_000,
  currency: 'CZK',
  direction: 'DEBIT',
  balanceAfterMinor: -5,
  eventTime: 1_780_272_000_000,
  channel: 'CARD',
  category: 'CARD',
  counterpartyKind: 'OTHER_BANK',
  counterpartyBankCode: '0800',
  initiatedBy: 'CUSTOMER',
};

/**
 * A value the hand-written check judged: what it answers must be what the schema answers, keys in the same order.
 * Answers whether the check vouched for it.
 */
function expectAsSchema(value: unknown): boolean {
  const known = transactionOfKnownShape(value);
  const parsed = transactionSchema.safeParse(value);
  if (known === undefined) return false; // the schema judges it (the reader's fallback)
  expect(parsed.success).toBe(true);
  expect(JSON.stringify(known)).toBe(JSON.stringify(parsed.data));
  return true;
}

/** Mostly a valid value of the field, sometimes anything else. */
const mostly = <T, U>(validValues: fc.Arbitrary<T>, others: fc.Arbitrary<U>) => fc.oneof({ arbitrary: validValues, weight: 12 }, { arbitrary: others, weight: 1 });

/** Values each field may take: the schema's own, near misses and other types. */
const fieldValues = {
  id: fc.oneof(
    fc.constantFrom('', 'a', 'č-1', 'x'.repeat(256), 'x'.repeat(257), 'CZ\u202E1', 'a\u0000b', 'a\u007fb', 'a\u0085', 'tab\there', 'ok id', '\ufeffbom'),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.integer(),
    fc.constant(null),
  ),
  amount: fc.oneof(fc.integer(), fc.constantFrom(-0, 0.5, -1, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 1e300), fc.double(), fc.constantFrom('12', null, true)),
  currency: fc.oneof(fc.constantFrom('CZK', 'czk', 'CZ', 'CZKK', 'CZK\n', 'ČZK', ''), fc.string({ maxLength: 4 }), fc.constant(7)),
  time: fc.oneof(fc.integer(), fc.constantFrom(0, -1, 1, 1.5, 2 ** 53, 8.64e15 + 1), fc.double(), fc.constant('1')),
  direction: fc.oneof(fc.constantFrom(...directions, 'debit', ''), fc.constant(null)),
  channel: fc.oneof(fc.constantFrom(...channels, 'card'), fc.constant(1)),
  category: fc.oneof(fc.constantFrom(...categories, 'toString', '__proto__')),
  kind: fc.oneof(fc.constantFrom(...counterpartyKinds, 'BANK')),
  bankCode: fc.oneof(fc.constant(null), fc.constantFrom('', '0800', 'č'), fc.integer(), fc.constant(undefined)),
  initiator: fc.constantFrom(...initiators, 'BANK', undefined),
};

describe('the replay reader checks a transaction of the known shape without zod (transactionOfKnownShape)', () => {
  it('answers a valid record as the schema does: its fields in the schema order, others dropped', () => {
    const withExtras = { extra: 1, ...valid, another: { nested: true } };
    expect(transactionOfKnownShape(withExtras)).toEqual(transactionSchema.parse(withExtras));
    expect(JSON.stringify(transactionOfKnownShape(withExtras))).toBe(JSON.stringify(transactionSchema.parse(withExtras)));
    expect(transactionOfKnownShape({ ...valid, counterpartyBankCode: null })).toEqual({ ...valid, counterpartyBankCode: null });
  });

  it('leaves to the schema what it cannot vouch for, and accepts no record the schema refuses', () => {
    for (const refused of [null, [], 'x', 1, {}, { ...valid, amountMinor: -1 }, { ...valid, customerId: 'C\u202E1' }, { ...valid, currency: 'czk' }, { ...valid, eventTime: 0 }]) {
      expect(transactionOfKnownShape(refused)).toBeUndefined();
      expect(transactionSchema.safeParse(refused).success).toBe(false);
    }
    // valid, but not printable ASCII: judged by the schema (which accepts it)
    expect(transactionOfKnownShape({ ...valid, accountId: 'účet-1' })).toEqual({ ...valid, accountId: 'účet-1' });
  });

  it('never differs from the schema, field by field', () => {
    let vouched = 0;
    fc.assert(
      fc.property(
        fc.record({
          transactionId: mostly(fc.constant('tx-1'), fieldValues.id),
          accountId: mostly(fc.constant('CZ-1'), fieldValues.id),
          customerId: mostly(fc.stringMatching(/^[ -~]{1,12}$/), fieldValues.id),
          amountMinor: mostly(fc.nat(), fieldValues.amount),
          currency: mostly(fc.constant('CZK'), fieldValues.currency),
          direction: mostly(fc.constantFrom(...directions), fieldValues.direction),
          balanceAfterMinor: mostly(fc.integer(), fieldValues.amount),
          eventTime: mostly(fc.integer({ min: 1 }), fieldValues.time),
          channel: mostly(fc.constantFrom(...channels), fieldValues.channel),
          category: fieldValues.category,
          counterpartyKind: fieldValues.kind,
          counterpartyBankCode: mostly(fc.constant(null), fieldValues.bankCode),
          initiatedBy: mostly(fc.constantFrom(...initiators), fieldValues.initiator),
        }, { requiredKeys: [] }),
        (record) => {
          if (expectAsSchema(record)) vouched += 1;
        },
      ),
      { numRuns: 5_000 },
    );
    // both ways were taken: the check vouched for many records and left many to the schema
    expect(vouched).toBeGreaterThan(100);
    expect(vouched).toBeLessThan(4_900);
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expectAsSchema(value);
      }),
    );
  });

  it('a bad record read from JSON Lines is still refused with the schema’s reason', { timeout: 60_000 }, async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tidewatch-shape-'));
    try {
      const bad = [
        { ...valid, transactionId: 'tx-2', currency: 'czk' },
        { ...valid, transactionId: 'tx-3', amountMinor: 12.5, direction: 'SIDEWAYS' },
        { ...valid, transactionId: 'tx-4\u202E' },
      ];
      const path = join(folder, 'transactions.jsonl');
      await writeFile(path, [valid, ...bad, { ...valid, transactionId: 'tx-5', accountId: 'účet' }].map((record) => JSON.stringify(record)).join('\n'));
      const items: ReplayItem[] = [];
      for await (const batch of jsonlTransactions(path)) items.push(...batch);
      expect(items.map((item) => item.kind)).toEqual(['transaction', 'rejected', 'rejected', 'rejected', 'transaction']);
      bad.forEach((record, index) => {
        const checked = validate(transactionSchema, record);
        expect(checked.ok).toBe(false);
        expect(items[index + 1]).toEqual({ kind: 'rejected', reason: 'invalid', detail: checked.ok ? '' : checked.detail, origin: { source: path, line: index + 2 } });
      });
      expect(items[0]).toEqual({ kind: 'transaction', transaction: valid, line: 1 });
      expect(items[4]).toEqual({ kind: 'transaction', transaction: { ...valid, transactionId: 'tx-5', accountId: 'účet' }, line: 5 });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
