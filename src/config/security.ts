import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { redactUrl } from './redact.ts';

/**
 * How tidewatch authenticates to Kafka, the schema registry and Redis, and which CA it trusts for each. Secrets come
 * from the environment or, better, from files (`<NAME>_FILE`, e.g. a mounted Kubernetes Secret); a secret never
 * reaches a log line or an error message. These variables join src/config/env.ts's schema, so a bad one is named at
 * start-up like any other; `connectionsOf` then reads the files.
 */

const text = z.string().min(1).optional();
const hostPortList = z
  .string()
  .min(1)
  .transform((raw) => raw.split(',').map((node) => node.trim()).filter((node) => node.length > 0))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1))
  .optional();

/** Every secret may be given as NAME or as NAME_FILE (a path whose content, less a trailing newline, is the value). */
const secret = <N extends string>(name: N) => ({ [name]: text, [`${name}_FILE`]: text }) as Record<N | `${N}_FILE`, typeof text>;

export const securityEnvShape = {
  /** PLAINTEXT, SSL (TLS, with a client certificate for mTLS), SASL_SSL or SASL_PLAINTEXT; inferred when unset. */
  KAFKA_SECURITY_PROTOCOL: z.enum(['PLAINTEXT', 'SSL', 'SASL_SSL', 'SASL_PLAINTEXT']).optional(),
  KAFKA_SASL_MECHANISM: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).optional(),
  ...secret('KAFKA_SASL_USERNAME'),
  ...secret('KAFKA_SASL_PASSWORD'),
  /** PEM files: the CA bundle to trust (else the system's), and the client certificate and key for mTLS. */
  KAFKA_TLS_CA_FILE: text,
  KAFKA_TLS_CERT_FILE: text,
  KAFKA_TLS_KEY_FILE: text,
  ...secret('KAFKA_TLS_KEY_PASSWORD'),
  /** Basic auth for the registry (credentials in SCHEMA_REGISTRY_URL are taken as these too). */
  ...secret('SCHEMA_REGISTRY_USERNAME'),
  ...secret('SCHEMA_REGISTRY_PASSWORD'),
  SCHEMA_REGISTRY_TLS_CA_FILE: text,
  /** An ACL user and its password (credentials in REDIS_URL are taken as these too). */
  ...secret('REDIS_USERNAME'),
  ...secret('REDIS_PASSWORD'),
  /** With a rediss:// URL: the CA to trust, and a client certificate and key when the server asks for one. */
  REDIS_TLS_CA_FILE: text,
  REDIS_TLS_CERT_FILE: text,
  REDIS_TLS_KEY_FILE: text,
  /** Seed nodes of a Redis Cluster (host:port,...): when set, tidewatch talks Cluster; REDIS_URL gives scheme and user. */
  REDIS_CLUSTER_NODES: hostPortList,
};

const securityEnvSchema = z.object(securityEnvShape);
export type SecurityEnv = z.infer<typeof securityEnvSchema>;

/** What connectionsOf needs: the security variables and the three service addresses. */
export type ConnectionEnv = SecurityEnv & { KAFKA_BROKERS: string[]; SCHEMA_REGISTRY_URL: string; REDIS_URL: string };

export interface PemTls {
  /** PEM contents, not paths. */
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
}

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaConnection {
  brokers: string[];
  protocol: 'PLAINTEXT' | 'SSL' | 'SASL_SSL' | 'SASL_PLAINTEXT';
  /** Options for tls.connect (kafkajs passes them through); undefined: no TLS. */
  tls?: PemTls;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

export interface RegistryConnection {
  /** Without credentials: safe to print. */
  url: string;
  auth?: { username: string; password: string };
  /** PEM CA bundle to trust for an https:// registry (else the system's). */
  ca?: string;
}

export interface RedisConnection {
  /** Without credentials: safe to print. */
  url: string;
  username?: string;
  password?: string;
  /** Set for rediss://: what to trust and, for mTLS, the client certificate. */
  tls?: PemTls;
  /** Set for a Redis Cluster: its seed nodes. */
  clusterNodes?: Array<{ host: string; port: number }>;
}

export interface Connections {
  kafka: KafkaConnection;
  registry: RegistryConnection;
  redis: RedisConnection;
}

/** A security setting that cannot be used; parseEnv turns it into a ConfigError naming the variable. */
export class SecuritySettingError extends Error {
  override readonly name = 'SecuritySettingError';
}

type Env = Partial<Record<string, string | string[] | undefined>>;

function readFileNamed(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SecuritySettingError(`${variable}: cannot read ${path} (${code})`);
  }
}

/** NAME or the content of NAME_FILE (one trailing newline dropped: `echo pw > file` is the common way to write one). */
function secretOf(env: Env, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (typeof direct === 'string' && typeof file === 'string') {
    throw new SecuritySettingError(`${name} and ${name}_FILE are both set: set one`);
  }
  if (typeof file === 'string') {
    const value = readFileNamed(`${name}_FILE`, file).replace(/\r?\n$/, '');
    if (value === '') throw new SecuritySettingError(`${name}_FILE: ${file} is empty`);
    return value;
  }
  return typeof direct === 'string' ? direct : undefined;
}

function pemOf(env: Env, name: string): string | undefined {
  const path = env[name];
  return typeof path === 'string' ? readFileNamed(name, path) : undefined;
}

function tlsFiles(env: Env, prefix: 'KAFKA' | 'REDIS'): PemTls | undefined {
  const ca = pemOf(env, `${prefix}_TLS_CA_FILE`);
  const cert = pemOf(env, `${prefix}_TLS_CERT_FILE`);
  const key = pemOf(env, `${prefix}_TLS_KEY_FILE`);
  const passphrase = prefix === 'KAFKA' ? secretOf(env, 'KAFKA_TLS_KEY_PASSWORD') : undefined;
  if ((cert === undefined) !== (key === undefined)) {
    throw new SecuritySettingError(`${prefix}_TLS_CERT_FILE and ${prefix}_TLS_KEY_FILE go together: set both or neither`);
  }
  const tls: PemTls = {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(passphrase === undefined ? {} : { passphrase }),
  };
  return Object.keys(tls).length === 0 ? undefined : tls;
}

function kafkaConnectionOf(env: ConnectionEnv): KafkaConnection {
  const tls = tlsFiles(env, 'KAFKA');
  const mechanism = env.KAFKA_SASL_MECHANISM;
  const protocol = env.KAFKA_SECURITY_PROTOCOL ?? (mechanism !== undefined ? 'SASL_SSL' : tls !== undefined ? 'SSL' : 'PLAINTEXT');
  const usesSasl = protocol === 'SASL_SSL' || protocol === 'SASL_PLAINTEXT';
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  if (!usesTls && tls !== undefined) {
    throw new SecuritySettingError(`KAFKA_TLS_*_FILE set but KAFKA_SECURITY_PROTOCOL is ${protocol}: use SSL or SASL_SSL`);
  }
  const username = secretOf(env, 'KAFKA_SASL_USERNAME');
  const password = secretOf(env, 'KAFKA_SASL_PASSWORD');
  if (!usesSasl) {
    if (mechanism !== undefined || username !== undefined || password !== undefined) {
      throw new SecuritySettingError(`KAFKA_SASL_* set but KAFKA_SECURITY_PROTOCOL is ${protocol}: use SASL_SSL`);
    }
    return { brokers: env.KAFKA_BROKERS, protocol, ...(usesTls ? { tls: tls ?? {} } : {}) };
  }
  if (mechanism === undefined) throw new SecuritySettingError(`KAFKA_SASL_MECHANISM: required with ${protocol}`);
  if (username === undefined) throw new SecuritySettingError(`KAFKA_SASL_USERNAME (or _FILE): required with ${protocol}`);
  if (password === undefined) throw new SecuritySettingError(`KAFKA_SASL_PASSWORD (or _FILE): required with ${protocol}`);
  return {
    brokers: env.KAFKA_BROKERS,
    protocol,
    ...(usesTls ? { tls: tls ?? {} } : {}),
    sasl: { mechanism: mechanism.toLowerCase() as SaslMechanism, username, password },
  };
}

/** Splits user and password out of a URL: the URL without them is what gets printed. */
export function withoutCredentials(raw: string): { url: string; username?: string; password?: string } {
  const url = new URL(raw);
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/$/, raw.endsWith('/') ? '/' : ''), ...(username === '' ? {} : { username }), ...(password === '' ? {} : { password }) };
}

/** One source per credential: in the URL or in the variables, not both (which would win is a guess). */
function credentialsOf(env: Env, prefix: 'SCHEMA_REGISTRY' | 'REDIS', urlVariable: string, fromUrl: { username?: string; password?: string }) {
  const username = secretOf(env, `${prefix}_USERNAME`);
  const password = secretOf(env, `${prefix}_PASSWORD`);
  if ((fromUrl.username !== undefined && username !== undefined) || (fromUrl.password !== undefined && password !== undefined)) {
    throw new SecuritySettingError(`${urlVariable} carries credentials and ${prefix}_USERNAME/_PASSWORD are set too: keep one`);
  }
  return { username: username ?? fromUrl.username, password: password ?? fromUrl.password };
}

/** The registry's connection alone (`schemas register` needs no Kafka or Redis settings). */
export function registryConnectionOf(env: Pick<ConnectionEnv, 'SCHEMA_REGISTRY_URL'> & Partial<ConnectionEnv>): RegistryConnection {
  const { url, ...fromUrl } = withoutCredentials(env.SCHEMA_REGISTRY_URL);
  const { username, password } = credentialsOf(env, 'SCHEMA_REGISTRY', 'SCHEMA_REGISTRY_URL', fromUrl);
  if ((username === undefined) !== (password === undefined)) {
    throw new SecuritySettingError(`schema registry basic auth needs both a user and a password (${redactUrl(env.SCHEMA_REGISTRY_URL)})`);
  }
  const ca = pemOf(env, 'SCHEMA_REGISTRY_TLS_CA_FILE');
  if (ca !== undefined && !url.startsWith('https:')) {
    throw new SecuritySettingError('SCHEMA_REGISTRY_TLS_CA_FILE set but SCHEMA_REGISTRY_URL is not https://');
  }
  return {
    url,
    ...(username !== undefined && password !== undefined ? { auth: { username, password } } : {}),
    ...(ca === undefined ? {} : { ca }),
  };
}

function redisConnectionOf(env: ConnectionEnv): RedisConnection {
  const { url, ...fromUrl } = withoutCredentials(env.REDIS_URL);
  const { username, password } = credentialsOf(env, 'REDIS', 'REDIS_URL', fromUrl);
  const secure = url.startsWith('rediss:');
  const tls = tlsFiles(env, 'REDIS');
  if (tls !== undefined && !secure) throw new SecuritySettingError('REDIS_TLS_*_FILE set but REDIS_URL is not rediss://');
  const clusterNodes = env.REDIS_CLUSTER_NODES?.map((node) => {
    const colon = node.lastIndexOf(':');
    return { host: node.slice(0, colon), port: Number(node.slice(colon + 1)) };
  });
  return {
    url,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(secure ? { tls: tls ?? {} } : {}),
    ...(clusterNodes === undefined ? {} : { clusterNodes }),
  };
}

/** Reads the secret and PEM files the environment names; throws SecuritySettingError naming the variable. */
export function connectionsOf(env: ConnectionEnv): Connections {
  return { kafka: kafkaConnectionOf(env), registry: registryConnectionOf(env), redis: redisConnectionOf(env) };
}

/** For log lines and error messages: where and how, never a secret. */
export function describeKafka(connection: KafkaConnection): string {
  const how = connection.sasl === undefined ? connection.protocol : `${connection.protocol}, ${connection.sasl.mechanism.toUpperCase()} as ${connection.sasl.username}`;
  const mtls = connection.tls?.cert === undefined ? '' : ', client certificate';
  return `Kafka at ${connection.brokers.join(',')} (${how}${mtls})`;
}

export function describeRegistry(connection: RegistryConnection): string {
  return `schema registry at ${redactUrl(connection.url)}${connection.auth === undefined ? '' : ` (user ${connection.auth.username})`}`;
}

export function describeRedis(connection: RedisConnection): string {
  const where = connection.clusterNodes === undefined ? redactUrl(connection.url) : `cluster ${connection.clusterNodes.map(({ host, port }) => `${host}:${port}`).join(',')}`;
  const details = [
    ...(connection.username === undefined ? [] : [`user ${connection.username}`]),
    ...(connection.tls === undefined ? [] : [connection.tls.cert === undefined ? 'TLS' : 'TLS, client certificate']),
  ];
  return `Redis at ${where}${details.length === 0 ? '' : ` (${details.join(', ')})`}`;
}
