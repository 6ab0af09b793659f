import avro from 'avsc';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { AvroDecoder } from '../../src/adapters/registry/avro-decoder.ts';

const pointType = avro.Type.forSchema({ type: 'record', name: 'Point', fields: [{ name: 'x', type: 'int' }, { name: 'label', type: 'string' }] });
const KNOWN = 7;
const MISSING = 8;
const BROKEN = 9;

/** Confluent framing: magic byte 0, the schema id (4 bytes, big-endian), the Avro body. */
function framed(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/** A registry that knows one schema, answers 404 for another, fails for a third, and counts what it was asked. */
function registry() {
  const asked: number[] = [];
  const fake = {
    getSchema: async (schemaId: number) => {
      asked.push(schemaId);
      if (schemaId === KNOWN) return pointType;
      if (schemaId === MISSING) throw Object.assign(new Error('not found'), { status: 404 });
      throw Object.assign(new Error('registry down'), { status: 503 });
    },
  };
  return { asked, registry: fake as unknown as SchemaRegistry };
}

describe('AvroDecoder.decodeAll', () => {
  const records: Array<Buffer | null> = [
    framed(KNOWN, pointType.toBuffer({ x: 1, label: 'a' })),
    null,
    Buffer.from('not framed at all'),
    framed(MISSING, Buffer.of(1, 2, 3)),
    framed(KNOWN, Buffer.of(0xff)), // truncated body
    framed(KNOWN, pointType.toBuffer({ x: -5, label: 'b' })),
  ];

  it('answers what decode answers for each record, asking the registry once per schema id', async () => {
    const batch = registry();
    const together = await new AvroDecoder(batch.registry).decodeAll(records);
    const alone = registry();
    const decoder = new AvroDecoder(alone.registry);
    const oneByOne = [];
    for (const record of records) oneByOne.push(await decoder.decode(record));

    expect(together).toEqual(oneByOne);
    expect(together.map((result) => (result.ok ? result.value : result.reason))).toEqual([
      { x: 1, label: 'a' },
      'undecodable',
      'undecodable',
      'unknown_schema',
      'undecodable',
      { x: -5, label: 'b' },
    ]);
    expect(batch.asked.sort()).toEqual([KNOWN, MISSING]);
  });

  it('fails the whole batch when the registry cannot be reached (the batch is retried, not dead-lettered)', async () => {
    const { registry: failing } = registry();
    await expect(new AvroDecoder(failing).decodeAll([records[0]!, framed(BROKEN, Buffer.of(1))])).rejects.toThrow('registry down');
  });

  it('an empty batch asks nothing', async () => {
    const { asked, registry: fake } = registry();
    expect(await new AvroDecoder(fake).decodeAll([])).toEqual([]);
    expect(asked).toEqual([]);
  });
});
