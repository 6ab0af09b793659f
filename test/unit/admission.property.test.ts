import fc from 'fast-check';
import { createSchemaRegistry } from '../../src/adapters/registry/client.ts';
import { describe, expect, it } from 'vitest';
import { AvroDecoder } from '../../src/adapters/registry/avro-decoder.ts';
import { transactionSchema } from '../../src/domain/transaction.ts';
import { admit } from '../../src/pipeline/ingest.ts';

// Points nowhere: any registry call would fail, so these properties also show that unframed bytes never reach it.
const decoder = new AvroDecoder(createSchemaRegistry('http://127.0.0.1:9'));

describe('bad input never crashes the consumer', () => {
  it('admission answers (never throws) for any decoded value, and admits only schema-valid ones', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const admission = admit({ ok: true, value, schemaId: 1 }, transactionSchema);
        expect(admission.admitted).toBe(transactionSchema.safeParse(value).success);
        if (!admission.admitted) expect(admission.detail.length).toBeGreaterThan(0);
      }),
    );
  });

  it('bytes that are not schema-registry framed are answered as undecodable without a registry call', async () => {
    const unframed = fc.oneof(
      fc.uint8Array({ maxLength: 5 }),
      fc.uint8Array({ minLength: 6, maxLength: 64 }).filter((bytes) => bytes[0] !== 0),
    );
    await fc.assert(
      fc.asyncProperty(unframed, async (bytes) => {
        const result = await decoder.decode(Buffer.from(bytes));
        expect(result).toMatchObject({ ok: false, reason: 'undecodable' });
      }),
    );
  });
});
