import type { Command } from 'commander';
import { parseEnv } from '../config/env.ts';
import { connectionsOf } from '../config/security.ts';
import { registerSchemas, topicRoles, topicsFromEnv, valueSubject } from '../adapters/registry/schemas.ts';

/** Registers every topic's schema and prints `subject -> id`, for pipelines that deploy schemas before the service. */
async function registerCommand(): Promise<void> {
  const env = parseEnv(process.env);
  const topics = topicsFromEnv(env);
  const ids = await registerSchemas(connectionsOf(env).registry, topics);
  for (const role of topicRoles) {
    process.stdout.write(`${valueSubject(topics[role])} -> ${ids[role]}\n`);
  }
}

/** Adds `schemas register` to the CLI. */
export function addSchemasCommand(program: Command): Command {
  const schemas = program.command('schemas').description('Avro schemas of the topics in the schema registry');
  schemas
    .command('register')
    .description('register every topic schema under <topic>-value with BACKWARD compatibility (configured by environment)')
    .action(registerCommand);
  return program;
}
