import { readFileSync } from 'node:fs';
import type { SecuredEndpoints } from '../../scripts/stack/secured.ts';

export type { SecuredEndpoints };

/** Where the integration suites find the real services, whichever way they were provided. */
export interface ServiceEndpoints {
  kafkaBrokers: string[];
  /** Base URL of a Confluent-compatible schema registry API (Apicurio's is under /apis/ccompat/v7). */
  schemaRegistryUrl: string;
  redisUrl: string;
  /**
   * The secured services (SASL_SSL and mTLS listeners, registry over HTTPS + basic auth, TLS Redis, Redis Cluster):
   * from scripts/local-stack, or from the JSON file TIDEWATCH_SECURED_ENDPOINTS names. Absent, the secured suites skip.
   */
  secured?: SecuredEndpoints;
  /** How they were provided: environment variables, testcontainers, or scripts/local-stack. */
  source: 'environment' | 'testcontainers' | 'local-stack';
}

const SERVICE_VARIABLES = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'REDIS_URL'] as const;

/** Services named by the environment: all three variables, or none (a half-set environment is a mistake). */
export function endpointsFromEnvironment(env: NodeJS.ProcessEnv): ServiceEndpoints | undefined {
  const set = SERVICE_VARIABLES.filter((name) => (env[name] ?? '') !== '');
  if (set.length === 0) return undefined;
  if (set.length < SERVICE_VARIABLES.length) {
    const missing = SERVICE_VARIABLES.filter((name) => !set.includes(name));
    throw new Error(`${set.join(', ')} set but ${missing.join(', ')} not: set all three, or none`);
  }
  return {
    kafkaBrokers: (env.KAFKA_BROKERS ?? '').split(',').map((broker) => broker.trim()).filter((broker) => broker !== ''),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL ?? '',
    redisUrl: env.REDIS_URL ?? '',
    ...securedFromEnvironment(env),
    source: 'environment',
  };
}

function securedFromEnvironment(env: NodeJS.ProcessEnv): { secured?: SecuredEndpoints } {
  const file = env.TIDEWATCH_SECURED_ENDPOINTS;
  if (file === undefined || file === '') return {};
  return { secured: JSON.parse(readFileSync(file, 'utf8')) as SecuredEndpoints };
}
