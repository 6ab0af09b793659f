import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categories, channels, counterpartyKinds, directions, initiators } from '../../../src/domain/transaction.ts';
import type { Transaction } from '../../../src/domain/transaction.ts';
import { transactionLine } from '../../../src/generate/transaction-line.ts';

const minor = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const anyText = fc.string({ unit: 'binary', minLength: 1 });

/** Records in Avro field order, with any text at all in the string fields (quotes, controls, lone surrogates). */
const transactions: fc.Arbitrary<Transaction> = fc.record({
  transactionId: anyText,
  accountId: anyText,
  customerId: anyText,
  amountMinor: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  currency: anyText,
  direction: fc.constantFrom(...directions),
  balanceAfterMinor: minor,
  eventTime: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  channel: fc.constantFrom(...channels),
  category: fc.constantFrom(...categories),
  counterpartyKind: fc.constantFrom(...counterpartyKinds),
  counterpartyBankCode: fc.option(anyText, { nil: null }),
  initiatedBy: fc.constantFrom(...initiators),
});

describe('transactionLine', { timeout: 60_000 }, () => {
  it('writes exactly what JSON.stringify writes', () => {
    fc.assert(
      fc.property(transactions, (transaction) => {
        expect(transactionLine(transaction)).toBe(JSON.stringify(transaction));
      }),
      { numRuns: 2000 },
    );
  });
});
