import type { Transaction } from '../../src/domain/transaction.ts';

/** A valid transaction; override what the test is about. */
export function transaction(overrides: Partial<Transaction> = {}): Transaction {
  return {
    transactionId: 't-1',
    accountId: 'a-1',
    customerId: 'c-1',
    amountMinor: 150_000_00,
    currency: 'CZK',
    direction: 'DEBIT',
    balanceAfterMinor: 2_000_00,
    eventTime: Date.UTC(1993, 0, 5, 9, 30),
    channel: 'ONLINE',
    category: 'TRANSFER',
    counterpartyKind: 'OTHER_BANK',
    counterpartyBankCode: 'AB',
    initiatedBy: 'CUSTOMER',
    ...overrides,
  };
}
