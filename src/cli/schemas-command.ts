import type { Command } from 'commander';
import { envSchema, parseEnvOf } from '../config/env.ts';
import type { ServiceEnv } from '../config/env.ts';
import { describeRegistry, registryConnectionOf } from '../config/security.ts';
import { connecting } from '../adapters/connection-error.ts';
import { registerSchemas, topicRoles, topicsFromEnv, valueSubject } from '../adapters/registry/schemas.ts';

/** What registering needs: the registry (its address, credentials and CA) and the topic names (no Kafka, no Redis). */
const registrySettings = Object.keys(envSchema.shape).filter(
  (name): name is keyof ServiceEnv => name.startsWith('TIDEWATCH_TOPIC_') || (name.startsWith('SCHEMA_REGISTRY_') && name !== 'SCHEMA_REGISTRY_URL'),
);

/** Registers every topic's schema and prints `subject -> id`, for pipelines that deploy schemas before the service. */
async function registerCommand(): Promise<void> {
  const env = parseEnvOf(process.env, ['SCHEMA_REGISTRY_URL', ...registrySettings]);
  const topics = topicsFromEnv(env);
  const registry = registryConnectionOf(env);
  const ids = await connecting(describeRegistry(registry), () => registerSchemas(registry, topics));
  for (const role of topicRoles) {
    process.stdout.write(`${valueSubject(topics[role])} -> ${ids[role]}\n`);
  }
}

/** Adds `schemas register` to the CLI. */
export function addSchemasCommand(program: Command): Command {
  const schemas = program.command('schemas').description('Avro schemas of the topics in the schema registry');
  schemas
    .command('register')
    .description('register every topic schema under <topic>-value with BACKWARD compatibility (needs SCHEMA_REGISTRY_URL and the topic names only)')
    .action(registerCommand);
  return program;
}
