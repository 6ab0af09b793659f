import { describe, expect, it } from 'vitest';
import { transactionOfKnownShape, transactionSchema } from '../../src/domain/transaction.ts';
import { createHash } from 'node:crypto';
import { admit, admitKnown, eventTimeProblem, transactionProblem } from '../../src/pipeline/ingest.ts';
import { DEAD_LETTER_MAX_BYTES, DLQ_HEADER, deadLetterOf, sizeOf } from '../../src/pipeline/dead-letter.ts';
import { coreWith, rules } from '../support/core-fixtures.ts';
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

describe('admitKnown (the live pipeline: a hand check first, zod for the rest, issue 12 item 4)', () => {
  const both = (value: unknown) => {
    const decoded = { ok: true as const, value, schemaId: 1 };
    return [admitKnown(decoded, transactionSchema, transactionOfKnownShape), admit(decoded, transactionSchema)];
  };

  it('answers what admit answers: the same transaction, the same refusal and reason', () => {
    // as avsc hands a record over: an object of a record class, with the schema's fields
    class Record {}
    const cases: unknown[] = [
      valid,
      Object.assign(new Record(), valid),
      { ...valid, counterpartyBankCode: null },
      { ...valid, accountId: 'účet-1' },
      { ...valid, extra: 1 },
      { ...valid, amountMinor: 10.5 },
      { ...valid, amountMinor: -1 },
      { ...valid, currency: 'czk' },
      { ...valid, customerId: '' },
      { ...valid, customerId: 'c-\u202e1' },
      { ...valid, direction: 'SIDEWAYS' },
      { ...valid, eventTime: 0 },
      { ...valid, counterpartyBankCode: '' },
      null,
      [],
    ];
    for (const value of cases) {
      const [known, zod] = both(value);
      expect(known).toEqual(zod);
      if (known!.admitted && zod!.admitted) expect(JSON.stringify(known!.value)).toBe(JSON.stringify(zod!.value));
    }
  });

  it('reads the earliest instant of the rules in force, whichever came last (parsed once per text)', () => {
    const later = { ...rules.input, earliestEventTime: '2020-01-01T00:00:00Z' };
    const at = Date.UTC(2019, 5, 1);
    for (let round = 0; round < 3; round += 1) {
      expect(eventTimeProblem(at, at, rules.input)).toBeUndefined();
      expect(eventTimeProblem(at, at, later)).toMatch(/before the rules' input.earliestEventTime \(2020-01-01T00:00:00Z\)/);
    }
  });

  it('passes on the reason of a record that could not be decoded', () => {
    const failed = { ok: false as const, reason: 'unknown_schema' as const, detail: 'schema id 9' };
    expect(admitKnown(failed, transactionSchema, transactionOfKnownShape)).toEqual(admit(failed, transactionSchema));
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

describe('bounds of rules `input` (issue 11)', () => {
  const now = Date.UTC(2026, 10, 23, 12);
  const bounds = rules.input;
  it('has defaults a rules file without the section gets', () => {
    expect(bounds).toEqual({ minAmountMinor: 1, maxAmountMinor: 1_000_000_000_000, earliestEventTime: '1990-01-01T00:00:00Z', maxAheadHours: 24 });
  });

  it.each([
    ['an amount of 0', { amountMinor: 0 }, /amountMinor: 0 is below the rules' input.minAmountMinor \(1\)/],
    ['2^53 − 2 minor units', { amountMinor: 2 ** 53 - 2 }, /amountMinor: 9007199254740990 is above the rules' input.maxAmountMinor/],
    ['an eventTime in 1970', { eventTime: 86_400_000 }, /eventTime: 1970-01-02T00:00:00.000Z is before the rules' input.earliestEventTime/],
    ['an eventTime two days ahead', { eventTime: now + 2 * 86_400_000 }, /more than 24 h ahead of the processing clock/],
  ])('refuses %s, saying which bound', (_name, change, message) => {
    expect(transactionProblem({ ...valid, eventTime: now, ...change }, now, bounds)).toMatch(message);
  });

  it.each([
    ['1 minor unit', { amountMinor: 1 }],
    ['the maximum', { amountMinor: 1_000_000_000_000 }],
    ['the earliest instant', { eventTime: Date.UTC(1990, 0, 1) }],
    ['a day ahead exactly', { eventTime: now + 86_400_000 }],
  ])('accepts %s', (_name, change) => {
    expect(transactionProblem({ ...valid, eventTime: now, ...change }, now, bounds)).toBeUndefined();
  });

  it('follows the rules file: a bank may widen or narrow the range', () => {
    const edited = coreWith((raw) => {
      raw.input = { minAmountMinor: 100, maxAmountMinor: 5_000, earliestEventTime: '2020-01-01T00:00:00+01:00', maxAheadHours: 1 };
    }).rules.input;
    expect(transactionProblem({ amountMinor: 99, eventTime: now }, now, edited)).toMatch(/below/);
    expect(transactionProblem({ amountMinor: 5_001, eventTime: now }, now, edited)).toMatch(/above/);
    expect(transactionProblem({ amountMinor: 5_000, eventTime: Date.UTC(2019, 11, 31, 23) }, now, edited)).toBeUndefined();
    expect(transactionProblem({ amountMinor: 5_000, eventTime: now + 2 * 3_600_000 }, now, edited)).toMatch(/1 h ahead/);
    expect(() => coreWith((raw) => void (raw.input = { minAmountMinor: 10, maxAmountMinor: 9 }))).toThrow(/input.maxAmountMinor: must not be below minAmountMinor/);
    expect(() => coreWith((raw) => void (raw.input = { earliestEventTime: '2000-01-01' }))).toThrow(/input.earliestEventTime: expected an ISO 8601 instant/);
  });

  it.each([
    ['NUL', 'transactionId', 't-1\u0000', 'U+0000'],
    ['a right-to-left override', 'customerId', 'c-\u202e1-c', 'U+202E'],
    ['a C1 control', 'accountId', 'a\u00851', 'U+0085'],
    ['an escape', 'customerId', 'c-\u001b[31m', 'U+001B'],
    ['a pop directional isolate', 'transactionId', 't\u2069', 'U+2069'],
  ])('refuses an id with %s, naming the field and the character', (_name, field, id, code) => {
    const result = admit({ ok: true, value: { ...valid, [field]: id }, schemaId: 1 }, transactionSchema);
    expect(result).toEqual({ admitted: false, reason: 'invalid', detail: `${field}: contains a control or text-direction character (${code})` });
  });

  it('accepts ids in any script, and refuses one longer than 256', () => {
    expect(admit({ ok: true, value: { ...valid, customerId: 'Žluťoučký-客户-42' }, schemaId: 1 }, transactionSchema).admitted).toBe(true);
    expect(admit({ ok: true, value: { ...valid, customerId: 'c'.repeat(257) }, schemaId: 1 }, transactionSchema).admitted).toBe(false);
  });
});

describe('a dead letter too large for the dead-letter topic', () => {
  const big = Buffer.alloc(1_200_000, 7);
  const source = { topic: 'in', partition: 1, offset: '9', key: Buffer.from('c-1'), value: big, headers: { trace: 'x'.repeat(50_000) } };
  const deadLetter = deadLetterOf(source, 'undecodable', 'not Avro', 0);

  it('fits the limit: the start of the value kept, the original size and sha256 said', () => {
    const written = sizeOf({ key: deadLetter.record.key, value: deadLetter.record.value, headers: deadLetter.headers }) + Buffer.byteLength(deadLetter.record.detail);
    expect(written).toBeLessThan(DEAD_LETTER_MAX_BYTES);
    expect(deadLetter.record.value!.equals(big.subarray(0, deadLetter.record.value!.length))).toBe(true);
    expect(deadLetter.record.value!.length).toBeGreaterThan(900_000);
    const sha = createHash('sha256').update(big).digest('hex');
    expect(deadLetter.headers[DLQ_HEADER.originalSha256]).toBe(`key=${createHash('sha256').update('c-1').digest('hex')};value=${sha}`);
    expect(deadLetter.headers[DLQ_HEADER.originalSize]).toBe('key=3;value=1200000');
    expect(deadLetter.record.detail).toContain(`value 1200000 B sha256 ${sha}`);
    expect(deadLetter.record.detail).toMatch(/^not Avro \[truncated to fit the dead-letter topic/);
    expect(deadLetter.headers.trace).toBeUndefined();
  });

  it('leaves a record that fits as it was', () => {
    const fits = deadLetterOf({ ...source, value: Buffer.alloc(900_000), headers: {} }, 'undecodable', 'not Avro', 0);
    expect(fits.record.value!.length).toBe(900_000);
    expect(fits.headers[DLQ_HEADER.originalSize]).toBeUndefined();
  });
});
