import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createSchemaRegistry } from './client.ts';
import type { RegistryTarget } from './client.ts';

export type DecodeFailureReason = 'undecodable' | 'unknown_schema';
export type DecodeResult = { ok: true; value: unknown; schemaId: number } | { ok: false; reason: DecodeFailureReason; detail: string };

/** What decoding needs of a writer schema (an avsc type, as the client parses it). */
interface WriterSchema {
  fromBuffer(buffer: Buffer): unknown;
}

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;
/** An id the registry did not know is asked again after this long (it may have been restored meanwhile). */
const UNKNOWN_ID_REMEMBERED_MS = 60_000;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);
const httpStatusOf = (error: unknown) =>
  typeof error === 'object' && error !== null && 'status' in error ? (error as { status: unknown }).status : undefined;

const notFramed = (): DecodeResult => ({ ok: false, reason: 'undecodable', detail: 'not a schema-registry framed record (magic byte 0, schema id, body)' });

const isFramed = (bytes: Buffer | null): bytes is Buffer => bytes !== null && bytes.length > HEADER_BYTES && bytes[0] === MAGIC_BYTE;

function decodeBody(bytes: Buffer, schemaId: number, schema: WriterSchema | undefined): DecodeResult {
  if (schema === undefined) return { ok: false, reason: 'unknown_schema', detail: `schema id ${schemaId} is not in the registry` };
  try {
    return { ok: true, value: schema.fromBuffer(bytes.subarray(HEADER_BYTES)), schemaId };
  } catch (error) {
    return { ok: false, reason: 'undecodable', detail: `schema id ${schemaId}: ${describe(error)}` };
  }
}

/**
 * Decodes Confluent-framed Avro (magic byte, 4-byte big-endian schema id, Avro body).
 * A bad record is answered, never thrown, so the caller can dead-letter it with the reason. A registry that
 * cannot be reached (timeout, 5xx) is thrown instead: that is not the record's fault, and the batch must be
 * retried rather than its records dead-lettered.
 * Writer schemas are fetched once per id, as one shared promise: a batch of thousands of records with a schema
 * not seen yet makes one registry request and parses the schema once (the client alone would do both per record
 * until its cache fills).
 */
export class AvroDecoder {
  private readonly schemas = new Map<number, Promise<WriterSchema | undefined>>();

  constructor(private readonly registry: SchemaRegistry) {}

  static forUrl(registry: RegistryTarget): AvroDecoder {
    return new AvroDecoder(createSchemaRegistry(registry));
  }

  async decode(bytes: Buffer | null): Promise<DecodeResult> {
    if (!isFramed(bytes)) return notFramed();
    const schemaId = bytes.readInt32BE(1);
    return decodeBody(bytes, schemaId, await this.writerSchema(schemaId));
  }

  /**
   * A batch's records, answered as `decode` answers each: the writer schemas are awaited once per id, then every
   * record decodes synchronously (a promise per record cost more than the Avro decoding itself).
   */
  async decodeAll(values: ReadonlyArray<Buffer | null>): Promise<DecodeResult[]> {
    const ids = new Set<number>();
    for (const bytes of values) if (isFramed(bytes)) ids.add(bytes.readInt32BE(1));
    const schemas = new Map<number, WriterSchema | undefined>();
    await Promise.all([...ids].map(async (schemaId) => schemas.set(schemaId, await this.writerSchema(schemaId))));
    return values.map((bytes) => {
      if (!isFramed(bytes)) return notFramed();
      const schemaId = bytes.readInt32BE(1);
      return decodeBody(bytes, schemaId, schemas.get(schemaId));
    });
  }

  /** Undefined when the registry says the id does not exist; a registry failure is thrown and not remembered. */
  private writerSchema(schemaId: number): Promise<WriterSchema | undefined> {
    let schema = this.schemas.get(schemaId);
    if (schema === undefined) {
      schema = this.registry.getSchema(schemaId).then(
        (found) => found,
        (error: unknown) => {
          if (httpStatusOf(error) === 404) {
            setTimeout(() => this.schemas.delete(schemaId), UNKNOWN_ID_REMEMBERED_MS).unref();
            return undefined;
          }
          this.schemas.delete(schemaId);
          throw error;
        },
      );
      this.schemas.set(schemaId, schema);
    }
    return schema;
  }
}
