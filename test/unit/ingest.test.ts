import { describe, expect, it } from 'vitest';
import { transactionSchema } from '../../src/domain/transaction.ts';
import { admit, eventTimeProblem } from '../../src/pipeline/ingest.ts';
import { DLQ_HEADER, deadLetterOf } from '../../src/pipeline/dead-letter.ts';
import { transaction } from '../support/fixtures.ts';

const valid = transaction();

describe('admit', () => {
  it('admits a record that satisfies the schema', () => {
    expect(admit({ ok: true, value: valid, schemaId: 1 }, transactionSchema)).toEqual({ admitted: true, value: valid });
  });

  it.each([
    ['a float amount', { amountMinor: 10.5 }, 'amountMinor'],
    ['a negative amount', { amountMinor: -1 }, 'amountMinor'],
    ['a lower-case currency', { currency: 'czk' }, 'currency'],
    ['an empty customer id', { customerId: '' }, 'customerId'],
    ['an unknown direction', { direction: 'SIDEWAYS' }, 'direction'],
  ])('refuses %s and names the field', (_name, change, field) => {
    const result = admit({ ok: true, value: { ...valid, ...change }, schemaId: 1 }, transactionSchema);
    expect(result.admitted).toBe(false);
    if (!result.admitted) {
      expect(result.reason).toBe('invalid');
      expect(result.detail).toContain(field);
    }
  });

  it('passes on the reason of a record that could not be decoded', () => {
    expect(admit({ ok: false, reason: 'unknown_schema', detail: 'schema id 9' }, transactionSchema)).toEqual({
      admitted: false,
      reason: 'unknown_schema',
      detail: 'schema id 9',
    });
  });
});

describe('deadLetterOf', () => {
  it('keeps the original bytes and says where the record came from and why, in the record and in headers', () => {
    const source = { topic: 'in', partition: 2, offset: '41', key: Buffer.from('k'), value: Buffer.from([1, 2, 3]), headers: { trace: 'x' } };
    const failedAt = Date.UTC(2026, 10, 23);
    const deadLetter = deadLetterOf(source, 'invalid', 'currency: expected an ISO 4217 code', failedAt);
    expect(deadLetter.key).toBe(source.key);
    expect(deadLetter.record).toEqual({
      reason: 'invalid',
      detail: 'currency: expected an ISO 4217 code',
      sourceTopic: 'in',
      sourcePartition: 2,
      sourceOffset: 41,
      key: source.key,
      value: source.value,
      failedAt,
    });
    expect(deadLetter.headers).toEqual({
      trace: 'x',
      [DLQ_HEADER.reason]: 'invalid',
      [DLQ_HEADER.detail]: 'currency: expected an ISO 4217 code',
      [DLQ_HEADER.topic]: 'in',
      [DLQ_HEADER.partition]: '2',
      [DLQ_HEADER.offset]: '41',
      [DLQ_HEADER.failedAt]: '2026-11-23T00:00:00.000Z',
    });
  });
});

describe('eventTimeProblem', () => {
  const now = Date.UTC(2026, 10, 23, 12);
  it.each([
    ['an hour ahead (clock drift)', now + 3_600_000, false],
    ['a day ahead exactly', now + 86_400_000, false],
    ['two days ahead', now + 2 * 86_400_000, true],
    ['in the past', now - 400 * 86_400_000, false],
  ])('%s: refused %s', (_name, eventTime, refused) => {
    expect(eventTimeProblem(eventTime, now) !== undefined).toBe(refused);
  });
});
