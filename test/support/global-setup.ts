import type { TestProject } from 'vitest/node';
import type { ServiceEndpoints } from './endpoints.ts';
import { dockerEngineAnswers, startContainerStack } from './testcontainers.ts';
import { down, up } from '../../scripts/stack/stack.ts';

export type ProvidedServices = { available: true; endpoints: ServiceEndpoints } | { available: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    services: ProvidedServices;
  }
}

const SERVICE_VARIABLES = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'REDIS_URL'] as const;
const say = (line: string) => process.stderr.write(`[integration] ${line}\n`);

function fromEnvironment(): ServiceEndpoints | undefined {
  const set = SERVICE_VARIABLES.filter((name) => (process.env[name] ?? '') !== '');
  if (set.length === 0) return undefined;
  if (set.length < SERVICE_VARIABLES.length) {
    const missing = SERVICE_VARIABLES.filter((name) => !set.includes(name));
    throw new Error(`${set.join(', ')} set but ${missing.join(', ')} not: set all three, or none`);
  }
  return {
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? '').split(',').map((broker) => broker.trim()),
    schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? '',
    redisUrl: process.env.REDIS_URL ?? '',
    source: 'environment',
  };
}

/** Finds the real services in the order the README gives; returns how to release them. */
async function provideServices(): Promise<{ endpoints: ServiceEndpoints; release: () => Promise<void> }> {
  const configured = fromEnvironment();
  if (configured !== undefined) return { endpoints: configured, release: async () => {} };

  if (await dockerEngineAnswers()) {
    say('starting Kafka, schema registry and Redis with testcontainers');
    const containers = await startContainerStack();
    return { endpoints: containers.endpoints, release: containers.stop };
  }

  say('no Docker engine: starting scripts/local-stack (real Kafka KRaft + Apicurio registry from Maven Central)');
  const stack = await up(say);
  const endpoints: ServiceEndpoints = { ...stack.endpoints, source: 'local-stack' };
  if (stack.reused) {
    say('reusing the local stack that was already up (it stays up afterwards)');
    return { endpoints, release: async () => {} };
  }
  return { endpoints, release: () => down(say) };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const { endpoints, release } = await provideServices();
    say(`services from ${endpoints.source}: kafka ${endpoints.kafkaBrokers.join(',')}, registry ${endpoints.schemaRegistryUrl}, redis ${endpoints.redisUrl}`);
    project.provide('services', { available: true, endpoints });
    return release;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CI === 'true') {
      throw new Error(`CI=true and the integration services could not be provided: ${reason}`);
    }
    const banner = '!'.repeat(100);
    say(`${banner}\nINTEGRATION SUITES WILL BE SKIPPED: ${reason}\n${banner}`);
    project.provide('services', { available: false, reason });
    return async () => {};
  }
}
