import type { z } from 'zod';
import { ConfigError, envSchema } from '../config/env.ts';

/**
 * The part of `tidewatch run`'s environment the generator needs to produce its input topics: brokers, registry
 * and topic names, parsed by the same rules (REDIS_URL and the rest are not asked for).
 */
export const generatorKafkaEnvSchema = envSchema.pick({
  KAFKA_BROKERS: true,
  SCHEMA_REGISTRY_URL: true,
  TIDEWATCH_CLIENT_ID: true,
  TIDEWATCH_TOPIC_TRANSACTIONS: true,
  TIDEWATCH_TOPIC_PROFILES: true,
  TIDEWATCH_TOPIC_PRODUCTS: true,
  TIDEWATCH_REGISTER_SCHEMAS: true,
  TIDEWATCH_CREATE_TOPICS: true,
  TIDEWATCH_TOPIC_PARTITIONS: true,
});

export type GeneratorKafkaEnv = z.infer<typeof generatorKafkaEnvSchema>;

export function parseGeneratorKafkaEnv(env: NodeJS.ProcessEnv): GeneratorKafkaEnv {
  const result = generatorKafkaEnvSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)';
    return `${name}: ${env[String(issue.path[0])] === undefined ? 'required, not set' : issue.message}`;
  });
  throw new ConfigError(`invalid configuration for --to kafka:\n  ${problems.join('\n  ')}`);
}
