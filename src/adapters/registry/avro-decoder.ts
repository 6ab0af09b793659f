import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

export type DecodeFailureReason = 'undecodable' | 'unknown_schema';
export type DecodeResult = { ok: true; value: unknown; schemaId: number } | { ok: false; reason: DecodeFailureReason; detail: string };

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);
const httpStatusOf = (error: unknown) =>
  typeof error === 'object' && error !== null && 'status' in error ? (error as { status: unknown }).status : undefined;

/**
 * Decodes Confluent-framed Avro (magic byte, 4-byte big-endian schema id, Avro body).
 * A bad record is answered, never thrown, so the caller can dead-letter it with the reason. A registry that
 * cannot be reached (timeout, 5xx) is thrown instead: that is not the record's fault, and the batch must be
 * retried rather than its records dead-lettered. The client caches schemas by id, so a registry call is paid
 * once per schema id, not per record.
 */
export class AvroDecoder {
  constructor(private readonly registry: SchemaRegistry) {}

  static forUrl(url: string): AvroDecoder {
    return new AvroDecoder(new SchemaRegistry({ host: url }));
  }

  async decode(bytes: Buffer | null): Promise<DecodeResult> {
    if (bytes === null || bytes.length <= HEADER_BYTES || bytes[0] !== MAGIC_BYTE) {
      return { ok: false, reason: 'undecodable', detail: 'not a schema-registry framed record (magic byte 0, schema id, body)' };
    }
    const schemaId = bytes.readInt32BE(1);
    try {
      await this.registry.getSchema(schemaId);
    } catch (error) {
      if (httpStatusOf(error) === 404) return { ok: false, reason: 'unknown_schema', detail: `schema id ${schemaId}: ${describe(error)}` };
      throw error;
    }
    try {
      return { ok: true, value: await this.registry.decode(bytes), schemaId };
    } catch (error) {
      return { ok: false, reason: 'undecodable', detail: `schema id ${schemaId}: ${describe(error)}` };
    }
  }
}
