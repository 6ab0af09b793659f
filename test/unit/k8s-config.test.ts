import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema, requiredEnvNames } from '../../src/config/env.ts';

const configMap = parse(readFileSync(new URL('../../k8s/configmap.yaml', import.meta.url), 'utf8')) as {
  data: Record<string, string>;
};

/** What the service uses when a variable with a default is not set, as the strings an environment would carry. */
function schemaDefaults(): Record<string, string> {
  const placeholders = { KAFKA_BROKERS: 'k:9092', SCHEMA_REGISTRY_URL: 'http://r:8081', REDIS_URL: 'redis://r:6379' };
  const parsed = envSchema.parse(placeholders) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(parsed)
      .filter(([name]) => !requiredEnvNames.includes(name))
      .map(([name, value]) => [name, String(value)]),
  );
}

describe('k8s/configmap.yaml', () => {
  it('carries exactly the defaults of src/config/env.ts, so the two cannot drift apart', () => {
    expect(configMap.data).toEqual(schemaDefaults());
  });

  it('carries no variable that must come from a per-environment Secret', () => {
    expect(Object.keys(configMap.data).filter((name) => requiredEnvNames.includes(name))).toEqual([]);
  });
});
