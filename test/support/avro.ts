import { readFileSync } from 'node:fs';
import { createSchemaRegistry } from '../../src/adapters/registry/client.ts';
import { SchemaType } from '@kafkajs/confluent-schema-registry';

export function readAvsc(file: string): string {
  return readFileSync(new URL(`../../avro/${file}`, import.meta.url), 'utf8');
}

/** Registers an avro/ schema under the topic-name strategy subject of `topic`; returns the registry and the id. */
export async function registerValueSchema(registryUrl: string, topic: string, file: string) {
  const registry = createSchemaRegistry(registryUrl);
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: readAvsc(file) }, { subject: `${topic}-value` });
  return { registry, id };
}
