import { release, up } from '../scripts/stack/stack.ts';
import type { StackEndpoints } from '../scripts/stack/stack.ts';
import { endpointsFromEnvironment } from '../test/support/endpoints.ts';
import { say } from './progress.ts';

export interface Services {
  endpoints: StackEndpoints;
  /** Where they came from, for the report. */
  source: 'environment' | 'local-stack (started by the bench)' | 'local-stack (already up)';
  /** Lets go of the local stack: stopped only if nobody else holds it (the stack's own bookkeeping decides). */
  release(): Promise<void>;
}

/**
 * KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL when set (your own services), else scripts/local-stack,
 * held by this process as a test run holds it: a stack that was already up stays up afterwards.
 */
export async function acquireServices(): Promise<Services> {
  const configured = endpointsFromEnvironment(process.env);
  if (configured !== undefined) {
    return { endpoints: configured, source: 'environment', release: async () => {} };
  }
  say('bringing up scripts/local-stack (Kafka KRaft + Apicurio registry + Redis)');
  const stack = await up((line) => say(`local-stack: ${line}`), { holder: process.pid });
  return {
    endpoints: stack.endpoints,
    source: stack.reused ? 'local-stack (already up)' : 'local-stack (started by the bench)',
    release: () => release(process.pid, (line) => say(`local-stack: ${line}`)),
  };
}
