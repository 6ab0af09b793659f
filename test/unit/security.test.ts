import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryConnection } from '../../src/adapters/registry/client.ts';
import { parseEnv } from '../../src/config/env.ts';
import { redactUrl, redactUrlsIn } from '../../src/config/redact.ts';
import { connectionsOf, describeKafka, describeRedis, describeRegistry } from '../../src/config/security.ts';

const minimal = { KAFKA_BROKERS: 'k1:9093', SCHEMA_REGISTRY_URL: 'https://registry:8081', REDIS_URL: 'rediss://redis:6380' };
const dir = mkdtempSync(join(tmpdir(), 'tw-security-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('redactUrl', () => {
  it.each([
    ['https://svc:s3cr%21t@registry:8081/apis/ccompat/v7', 'https://svc:***@registry:8081/apis/ccompat/v7'],
    ['redis://default:hunter2@redis:6379/0', 'redis://default:***@redis:6379/0'],
    ['redis://redis:6379?password=hunter2&db=1', 'redis://redis:6379?password=***&db=1'],
    ['http://registry:8081', 'http://registry:8081/'],
    ['not a url //user:pw@host', 'not a url //***@host'],
  ])('%s -> %s', (raw, redacted) => {
    expect(redactUrl(raw)).toBe(redacted);
  });

  it('redacts every URL inside a message', () => {
    expect(redactUrlsIn('GET https://a:b@r/x failed; see redis://u:p@h:1')).toBe('GET https://a:***@r/x failed; see redis://u:***@h:1');
  });
});

describe('connectionsOf', () => {
  it('is plain with nothing set, and infers the protocol from what is set', () => {
    const plain = connectionsOf(parseEnv({ ...minimal, REDIS_URL: 'redis://redis:6379' }));
    expect(plain.kafka).toEqual({ brokers: ['k1:9093'], protocol: 'PLAINTEXT' });
    expect(plain.redis).toEqual({ url: 'redis://redis:6379' });
    expect(plain.registry).toEqual({ url: 'https://registry:8081' });
    const sasl = connectionsOf(
      parseEnv({ ...minimal, KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'tw', KAFKA_SASL_PASSWORD_FILE: file('kafka', 'pw-1\n') }),
    );
    expect(sasl.kafka).toEqual({ brokers: ['k1:9093'], protocol: 'SASL_SSL', tls: {}, sasl: { mechanism: 'scram-sha-512', username: 'tw', password: 'pw-1' } });
    expect(describeKafka(sasl.kafka)).toBe('Kafka at k1:9093 (SASL_SSL, SCRAM-SHA-512 as tw)');
  });

  it('reads CA, client certificate and key as PEM contents for mTLS', () => {
    const env = { ...minimal, KAFKA_TLS_CA_FILE: file('ca.pem', PEM), KAFKA_TLS_CERT_FILE: file('c.pem', PEM), KAFKA_TLS_KEY_FILE: file('k.pem', 'KEY') };
    const { kafka } = connectionsOf(parseEnv(env));
    expect(kafka).toEqual({ brokers: ['k1:9093'], protocol: 'SSL', tls: { ca: PEM, cert: PEM, key: 'KEY' } });
    expect(describeKafka(kafka)).toBe('Kafka at k1:9093 (SSL, client certificate)');
  });

  it('moves registry and Redis credentials out of their URLs, so the URL can be printed', () => {
    const { registry, redis } = connectionsOf(
      parseEnv({ ...minimal, SCHEMA_REGISTRY_URL: 'https://svc:p%40ss@registry:8081/apis/ccompat/v7', REDIS_URL: 'rediss://tw:pw2@redis:6380' }),
    );
    expect(registry).toEqual({ url: 'https://registry:8081/apis/ccompat/v7', auth: { username: 'svc', password: 'p@ss' } });
    expect(describeRegistry(registry)).toBe('schema registry at https://registry:8081/apis/ccompat/v7 (user svc)');
    expect(redis).toEqual({ url: 'rediss://redis:6380', username: 'tw', password: 'pw2', tls: {} });
    expect(registryConnection('http://u:v@r:1/x')).toEqual({ url: 'http://r:1/x', auth: { username: 'u', password: 'v' } });
  });

  it('configures a Redis Cluster from seed nodes, with the ACL user for every node', () => {
    const { redis } = connectionsOf(
      parseEnv({ ...minimal, REDIS_URL: 'redis://n1:7000', REDIS_CLUSTER_NODES: 'n1:7000, n2:7001', REDIS_USERNAME: 'tw', REDIS_PASSWORD_FILE: file('redis', 'pw-3') }),
    );
    expect(redis).toEqual({ url: 'redis://n1:7000', username: 'tw', password: 'pw-3', clusterNodes: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }] });
    expect(describeRedis(redis)).toBe('Redis at cluster n1:7000,n2:7001 (user tw)');
  });

  it.each([
    ['a secret set twice', { KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'x', KAFKA_SASL_PASSWORD_FILE: '/dev/null' }, /KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set/],
    ['an unreadable secret file', { SCHEMA_REGISTRY_USERNAME: 'u', SCHEMA_REGISTRY_PASSWORD_FILE: '/nonexistent/pw' }, /SCHEMA_REGISTRY_PASSWORD_FILE: cannot read \/nonexistent\/pw \(ENOENT\)/],
    ['SASL without a password', { KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u' }, /KAFKA_SASL_PASSWORD \(or _FILE\): required with SASL_SSL/],
    ['an unknown mechanism', { KAFKA_SASL_MECHANISM: 'GSSAPI' }, /KAFKA_SASL_MECHANISM/],
    ['SASL settings on a PLAINTEXT listener', { KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT', KAFKA_SASL_MECHANISM: 'PLAIN' }, /use SASL_SSL/],
    ['a client certificate without its key', { KAFKA_TLS_CERT_FILE: '/dev/null' }, /KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together/],
    ['a Redis CA with a redis:// URL', { REDIS_URL: 'redis://r:1', REDIS_TLS_CA_FILE: '/dev/null' }, /REDIS_URL is not rediss:\/\//],
    ['credentials in the URL and in variables', { SCHEMA_REGISTRY_URL: 'https://u:p@r:1', SCHEMA_REGISTRY_PASSWORD: 'q' }, /keep one/],
    ['a cluster node without a port', { REDIS_CLUSTER_NODES: 'n1' }, /REDIS_CLUSTER_NODES\.0: expected host:port/],
  ])('refuses %s at start-up, naming the variable and no secret', (_case, change, message) => {
    let thrown: unknown;
    try {
      parseEnv({ ...minimal, ...change });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).name).toBe('ConfigError');
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toMatch(/\bp\b@|:x\b|\bq\b/);
  });
});
