import { describe, expect, it } from 'vitest';
import { endpointsFromEnvironment } from '../support/endpoints.ts';

describe('services from the environment', () => {
  it('are not used when none of the three variables is set', () => {
    expect(endpointsFromEnvironment({ PATH: '/usr/bin' })).toBeUndefined();
  });

  it('are used when all three are set', () => {
    expect(
      endpointsFromEnvironment({
        KAFKA_BROKERS: 'k1:9092, k2:9092',
        SCHEMA_REGISTRY_URL: 'http://registry:8081',
        REDIS_URL: 'redis://redis:6379',
      }),
    ).toEqual({
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      schemaRegistryUrl: 'http://registry:8081',
      redisUrl: 'redis://redis:6379',
      source: 'environment',
    });
  });

  it('refuse a half-set environment and name what is missing', () => {
    expect(() => endpointsFromEnvironment({ KAFKA_BROKERS: 'k1:9092' })).toThrow(/SCHEMA_REGISTRY_URL, REDIS_URL not/);
  });
});
