import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { packChunk, toWorkerSchema, unpackChunk } from '../../../src/replay/parallel/messages.ts';
import type { Chunk } from '../../../src/replay/parallel/messages.ts';

const transaction = { transactionId: 't-1', accountId: 'a-1', customerId: 'c-1', amountMinor: 100, currency: 'CZK', direction: 'DEBIT' as const, balanceAfterMinor: 0, eventTime: 1_704_070_800_000, channel: 'CARD' as const, category: 'CARD' as const, counterpartyKind: 'NONE' as const, counterpartyBankCode: null, initiatedBy: 'CUSTOMER' as const };
const chunk = (): Chunk => ({ offsets: Float64Array.of(0, 1), eventTimes: Float64Array.of(transaction.eventTime, transaction.eventTime), owners: Uint8Array.of(0, 1), own: [{ line: 1, transaction }] });
const bytesOf = (value: unknown) => new Uint8Array(serialize(value)).buffer;

// the coordinator validated the records; a worker checks only that what arrived is what the coordinator sends
describe('a chunk between the coordinator and a worker', () => {
  it('arrives as it was sent, its bytes moved rather than copied', () => {
    const { message, transfer } = packChunk(chunk());
    expect(transfer).toBe(message.payload);
    expect(toWorkerSchema.parse(message)).toEqual({ type: 'chunk', records: 2, payload: message.payload });
    expect(unpackChunk(message.payload)).toEqual(chunk());
    // and the bytes are let go of once read (see unpackChunk)
    expect(message.payload.byteLength).toBe(0);
  });

  it('is refused when its timeline arrays differ in length, or a record is not {line, transaction}', () => {
    expect(() => unpackChunk(bytesOf({ ...chunk(), owners: Uint8Array.of(0) }))).toThrow(/differ in length/);
    for (const own of [[{ line: 1 }], [{ line: '1', transaction }], [{ line: 1, transaction: { ...transaction, eventTime: '2024-01-01' } }], [transaction]]) {
      expect(() => unpackChunk(bytesOf({ ...chunk(), own }))).toThrow(/coordinator validated/);
    }
  });
});
