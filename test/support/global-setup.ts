import type { TestProject } from 'vitest/node';
import { endpointsFromEnvironment } from './endpoints.ts';
import type { ServiceEndpoints } from './endpoints.ts';
import { dockerEngineAnswers, startContainerStack } from './testcontainers.ts';
import { release as releaseStack, up } from '../../scripts/stack/stack.ts';

export type ProvidedServices = { available: true; endpoints: ServiceEndpoints } | { available: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    services: ProvidedServices;
  }
}

const say = (line: string) => process.stderr.write(`[integration] ${line}\n`);

/** Finds the real services in the order the README gives; returns how to release them. */
async function provideServices(): Promise<{ endpoints: ServiceEndpoints; release: () => Promise<void> }> {
  const configured = endpointsFromEnvironment(process.env);
  if (configured !== undefined) return { endpoints: configured, release: async () => {} };

  if (await dockerEngineAnswers()) {
    say('starting Kafka, schema registry and Redis with testcontainers');
    const containers = await startContainerStack();
    return { endpoints: containers.endpoints, release: containers.stop };
  }

  say('no Docker engine: starting scripts/local-stack (real Kafka KRaft + Apicurio registry from Maven Central)');
  const stack = await up(say, { holder: process.pid });
  if (stack.reused) say('reusing the local stack that is already up');
  return { endpoints: { ...stack.endpoints, source: 'local-stack' }, release: () => releaseStack(process.pid, say) };
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
