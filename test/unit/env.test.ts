import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';

const minimal = { KAFKA_BROKERS: 'k1:9092,k2:9092', SCHEMA_REGISTRY_URL: 'http://registry:8081', REDIS_URL: 'redis://redis:6379' };

describe('parseEnv', () => {
  it('reads the three required services and fills in the defaults', () => {
    const env = parseEnv(minimal);
    expect(env.KAFKA_BROKERS).toEqual(['k1:9092', 'k2:9092']);
    expect(env.TIDEWATCH_TOPIC_TRANSACTIONS).toBe('tidewatch.transactions.v1');
    expect(env.TIDEWATCH_CREATE_TOPICS).toBe(true);
    expect(env.TIDEWATCH_HTTP_PORT).toBe(8080);
    expect(env.TIDEWATCH_STATE_CACHE_CUSTOMERS).toBe(20_000);
    expect(env.TIDEWATCH_WRITE_COALESCE_MS).toBe(0);
  });

  it.each([
    ['a missing variable', { KAFKA_BROKERS: undefined }, /KAFKA_BROKERS: required, not set/],
    ['a broker without a port', { KAFKA_BROKERS: 'kafka' }, /KAFKA_BROKERS\.0: expected host:port/],
    ['a Redis URL of another scheme', { REDIS_URL: 'http://redis:6379' }, /REDIS_URL: expected redis:\/\//],
    ['a port out of range', { TIDEWATCH_HTTP_PORT: '70000' }, /TIDEWATCH_HTTP_PORT/],
    ['a flag that is not true or false', { TIDEWATCH_CREATE_TOPICS: 'yes' }, /TIDEWATCH_CREATE_TOPICS/],
    ['a negative state cache', { TIDEWATCH_STATE_CACHE_CUSTOMERS: '-1' }, /TIDEWATCH_STATE_CACHE_CUSTOMERS/],
    ['a coalescing interval past a second', { TIDEWATCH_WRITE_COALESCE_MS: '1500' }, /TIDEWATCH_WRITE_COALESCE_MS/],
    ['a coalescing interval that is not whole milliseconds', { TIDEWATCH_WRITE_COALESCE_MS: '2.5' }, /TIDEWATCH_WRITE_COALESCE_MS/],
  ])('refuses %s and names the variable', (_case, change, message) => {
    expect(() => parseEnv({ ...minimal, ...change })).toThrow(message);
  });
});
