import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import kafkajs from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { describe, inject } from 'vitest';
import type { Credentials, SecuredEndpoints } from '../../scripts/stack/secured.ts';
import { describeIntegration } from './integration.ts';
import type { IntegrationContext } from './integration.ts';

const { Kafka: KafkaClient, logLevel } = kafkajs;

/**
 * An integration suite against the secured services. They come with scripts/local-stack (or the file
 * TIDEWATCH_SECURED_ENDPOINTS names); services given without them skip the suite loudly, and fail it under CI
 * unless they came from testcontainers (whose images have no secured listeners).
 */
export function describeSecured(name: string, body: (context: IntegrationContext, secured: SecuredEndpoints) => void): void {
  const services = inject('services');
  const secured = services.available ? services.endpoints.secured : undefined;
  if (services.available && secured === undefined) {
    const reason = 'the services were given without their secured endpoints (set TIDEWATCH_SECURED_ENDPOINTS, see README)';
    // scripts/local-stack always has them; testcontainers' images do not, so under Docker the suites skip loudly
    if (process.env.CI === 'true' && services.endpoints.source !== 'testcontainers') throw new Error(`CI=true and ${reason}`);
    console.warn(`SKIPPED secured suite "${name}": ${reason}`);
  }
  describe.skipIf(services.available && secured === undefined)(name, () => {
    describeIntegration(name, (context) => {
      if (secured !== undefined) body(context, secured);
    });
  });
}

export const passwordOf = (credentials: Credentials): string => readFileSync(credentials.passwordFile, 'utf8').trim();

/** Every password the secured stack holds: none of them may appear in a log line or an error message. */
export function secretsOf(secured: SecuredEndpoints): string[] {
  return [secured.kafkaScram, secured.kafkaPlain, secured.registry, secured.redis].map(passwordOf);
}

export type KafkaLogin = 'scram' | 'plain' | 'mtls';
export type RedisTarget = 'tls' | 'cluster';

/** The service's environment variables for a secured Kafka login: secrets by *_FILE, as a Kubernetes Secret mounts them. */
export function kafkaEnv(secured: SecuredEndpoints, login: KafkaLogin): Record<string, string> {
  if (login === 'mtls') {
    return {
      KAFKA_BROKERS: secured.kafkaMtlsBrokers.join(','),
      KAFKA_SECURITY_PROTOCOL: 'SSL',
      KAFKA_TLS_CA_FILE: secured.caFile,
      KAFKA_TLS_CERT_FILE: secured.clientCertFile,
      KAFKA_TLS_KEY_FILE: secured.clientKeyFile,
    };
  }
  const account = login === 'scram' ? secured.kafkaScram : secured.kafkaPlain;
  return {
    KAFKA_BROKERS: secured.kafkaSaslSslBrokers.join(','),
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SASL_MECHANISM: login === 'scram' ? 'SCRAM-SHA-512' : 'PLAIN',
    KAFKA_SASL_USERNAME: account.username,
    KAFKA_SASL_PASSWORD_FILE: account.passwordFile,
    KAFKA_TLS_CA_FILE: secured.caFile,
  };
}

export function registryEnv(secured: SecuredEndpoints): Record<string, string> {
  return {
    SCHEMA_REGISTRY_URL: secured.schemaRegistryUrl,
    SCHEMA_REGISTRY_USERNAME: secured.registry.username,
    SCHEMA_REGISTRY_PASSWORD_FILE: secured.registry.passwordFile,
    SCHEMA_REGISTRY_TLS_CA_FILE: secured.caFile,
  };
}

export function redisEnv(secured: SecuredEndpoints, target: RedisTarget): Record<string, string> {
  const login = { REDIS_USERNAME: secured.redis.username, REDIS_PASSWORD_FILE: secured.redis.passwordFile };
  if (target === 'cluster') {
    return { REDIS_URL: `redis://${secured.redisClusterNodes[0]}`, REDIS_CLUSTER_NODES: secured.redisClusterNodes.join(','), ...login };
  }
  return {
    REDIS_URL: secured.redisTlsUrl,
    REDIS_TLS_CA_FILE: secured.caFile,
    REDIS_TLS_CERT_FILE: secured.clientCertFile,
    REDIS_TLS_KEY_FILE: secured.clientKeyFile,
    ...login,
  };
}

/** A test-side client on the SASL_SSL listener (SCRAM), as the bank's producers would connect. */
export function scramKafka(secured: SecuredEndpoints, clientId: string): Kafka {
  return new KafkaClient({
    brokers: secured.kafkaSaslSslBrokers,
    clientId,
    logLevel: logLevel.WARN,
    ssl: { ca: [readFileSync(secured.caFile, 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: secured.kafkaScram.username, password: passwordOf(secured.kafkaScram) },
  });
}

/** A pino logger whose every line is kept, for greps of what a service in this process logged. */
export function collectingLogger(lines: string[], level = 'info'): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return pino({ name: 'tidewatch', level }, sink);
}
