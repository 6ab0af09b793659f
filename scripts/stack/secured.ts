import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecuredMaterial } from './certificates.ts';
import { stackPaths } from './paths.ts';
import { chooseClusterPort, choosePort } from './ports.ts';
import { startDetached } from './processes.ts';
import { kafkaAnswers, redisAnswers, redisClusterAnswers, securedRegistryAnswers, waitUntil } from './readiness.ts';
import { timed } from './report.ts';
import type { Report } from './report.ts';
import { createCluster, startClusterNode, startTlsRedis } from './secured-redis.ts';
import type { RedisServerProcess } from './secured-redis.ts';
import { REGISTRY_CCOMPAT_PATH } from './versions.ts';

export interface Credentials {
  username: string;
  /** The password is only ever in this file (mode 600), as a mounted Kubernetes Secret would hold it. */
  passwordFile: string;
}

/** Everything a test needs to reach the secured services: addresses, the CA, the client certificate, accounts. */
export interface SecuredEndpoints {
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** SASL_SSL listener: SCRAM-SHA-512 (kafkaScram) and PLAIN (kafkaPlain). */
  kafkaSaslSslBrokers: string[];
  /** SSL listener that requires the client certificate. */
  kafkaMtlsBrokers: string[];
  kafkaScram: Credentials;
  kafkaPlain: Credentials;
  /** HTTPS + basic auth in front of the registry's Confluent-compatible API. */
  schemaRegistryUrl: string;
  registry: Credentials;
  /** TLS only, client certificate required, ACL user `redis`. */
  redisTlsUrl: string;
  /** Seed nodes of a 3-master Redis Cluster (plain TCP), ACL user `redis`. */
  redisClusterNodes: string[];
  redis: Credentials;
}

export interface SecuredState {
  registryProxy: { pid: number; port: number };
  redisTls: RedisServerProcess;
  redisCluster: RedisServerProcess[];
  endpoints: SecuredEndpoints;
}

export interface SecuredPorts {
  kafkaSaslSsl: number;
  kafkaMtls: number;
  registryProxy: number;
  redisTls: number;
  redisCluster: number[];
}

/** The file `local-stack env` points TIDEWATCH_SECURED_ENDPOINTS at (paths and user names, no password). */
export const securedEndpointsFile = () => join(stackPaths.home, 'secured', 'endpoints.json');

export async function chooseSecuredPorts(taken: number[]): Promise<SecuredPorts> {
  const avoid = [...taken];
  const next = async (envName: string, role: string) => {
    const port = await choosePort(envName, role, avoid);
    avoid.push(port);
    return port;
  };
  const ports = {
    kafkaSaslSsl: await next('TIDEWATCH_KAFKA_SASL_SSL_PORT', 'Kafka SASL_SSL listener'),
    kafkaMtls: await next('TIDEWATCH_KAFKA_MTLS_PORT', 'Kafka mTLS listener'),
    registryProxy: await next('TIDEWATCH_REGISTRY_TLS_PORT', 'schema registry HTTPS proxy'),
    redisTls: await next('TIDEWATCH_REDIS_TLS_PORT', 'TLS Redis'),
    redisCluster: [] as number[],
  };
  for (let node = 0; node < 3; node += 1) {
    const port = await chooseClusterPort(avoid);
    avoid.push(port, port + 10_000);
    ports.redisCluster.push(port);
  }
  return ports;
}

/** Starts the registry proxy, the TLS Redis and the Cluster's masters, all at once; `securedReady` waits for them. */
export function startSecured(ports: SecuredPorts, material: SecuredMaterial, registryPort: number): SecuredState {
  const registryProxy = {
    port: ports.registryProxy,
    pid: startDetached({
      command: process.execPath,
      args: ['--import', 'tsx', join(stackPaths.repoRoot, 'scripts', 'stack', 'registry-proxy.ts')],
      cwd: stackPaths.repoRoot,
      logFile: join(stackPaths.logs, 'registry-proxy.log'),
      env: {
        ...process.env,
        REGISTRY_PROXY_PORT: String(ports.registryProxy),
        REGISTRY_PROXY_UPSTREAM_PORT: String(registryPort),
        REGISTRY_PROXY_USERNAME: material.accounts.registry.username,
        REGISTRY_PROXY_PASSWORD_FILE: material.accounts.registry.passwordFile,
        REGISTRY_PROXY_CERT_FILE: material.serverCertFile,
        REGISTRY_PROXY_KEY_FILE: material.serverKeyFile,
      },
    }),
  };
  const credentials = ({ username, passwordFile }: Credentials): Credentials => ({ username, passwordFile });
  const endpoints: SecuredEndpoints = {
    caFile: material.caFile,
    clientCertFile: material.clientCertFile,
    clientKeyFile: material.clientKeyFile,
    kafkaSaslSslBrokers: [`127.0.0.1:${ports.kafkaSaslSsl}`],
    kafkaMtlsBrokers: [`127.0.0.1:${ports.kafkaMtls}`],
    kafkaScram: credentials(material.accounts.kafkaScram),
    kafkaPlain: credentials(material.accounts.kafkaPlain),
    schemaRegistryUrl: `https://127.0.0.1:${ports.registryProxy}${REGISTRY_CCOMPAT_PATH}`,
    registry: credentials(material.accounts.registry),
    redisTlsUrl: `rediss://127.0.0.1:${ports.redisTls}`,
    redisClusterNodes: ports.redisCluster.map((port) => `127.0.0.1:${port}`),
    redis: credentials(material.accounts.redis),
  };
  writeFileSync(securedEndpointsFile(), JSON.stringify(endpoints, null, 2));
  return {
    registryProxy,
    redisTls: startTlsRedis(ports.redisTls, material),
    redisCluster: ports.redisCluster.map((port) => startClusterNode(port, material)),
    endpoints,
  };
}

export function securedProcesses(state: SecuredState): Array<{ name: string; pid: number; marker: string }> {
  return [
    { name: 'registry proxy', pid: state.registryProxy.pid, marker: 'registry-proxy' },
    { name: 'redis (TLS)', pid: state.redisTls.pid, marker: 'redis-server' },
    ...state.redisCluster.map(({ pid, port }) => ({ name: `redis cluster :${port}`, pid, marker: 'redis-server' })),
  ];
}

const password = ({ passwordFile }: Credentials) => readFileSync(passwordFile, 'utf8').trim();

function tlsOf(endpoints: SecuredEndpoints) {
  return {
    ca: readFileSync(endpoints.caFile),
    cert: readFileSync(endpoints.clientCertFile),
    key: readFileSync(endpoints.clientKeyFile),
  };
}

const kafkaScramProbe = (endpoints: SecuredEndpoints) =>
  kafkaAnswers(endpoints.kafkaSaslSslBrokers, {
    ssl: { ca: [readFileSync(endpoints.caFile, 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: endpoints.kafkaScram.username, password: password(endpoints.kafkaScram) },
  });
const registryProbe = (endpoints: SecuredEndpoints) =>
  securedRegistryAnswers(endpoints.schemaRegistryUrl, readFileSync(endpoints.caFile), endpoints.registry.username, password(endpoints.registry));
const redisTlsProbe = (endpoints: SecuredEndpoints) =>
  redisAnswers(endpoints.redisTlsUrl, { tls: tlsOf(endpoints), username: endpoints.redis.username, password: password(endpoints.redis) });
const clusterProbe = (endpoints: SecuredEndpoints) =>
  redisClusterAnswers(endpoints.redisClusterNodes, { username: endpoints.redis.username, password: password(endpoints.redis) });

/** Waits for the secured services (the Cluster is created here, once its masters answer); Kafka's own start is awaited elsewhere. */
export async function securedReady(state: SecuredState, material: SecuredMaterial, report: Report): Promise<void> {
  const { endpoints } = state;
  await Promise.all([
    timed(report, 'kafka: SASL_SSL (SCRAM-SHA-512) ready', () =>
      waitUntil('Kafka SASL_SSL listener', () => kafkaScramProbe(endpoints), { timeoutMs: 90_000, logFile: join(stackPaths.logs, 'kafka.log') }),
    ),
    timed(report, 'registry proxy (HTTPS + basic auth): ready', () =>
      waitUntil('registry proxy', () => registryProbe(endpoints), {
        timeoutMs: 90_000, pid: state.registryProxy.pid, logFile: join(stackPaths.logs, 'registry-proxy.log'),
      }),
    ),
    timed(report, 'redis (TLS, ACL user): ready', () =>
      waitUntil('TLS Redis', () => redisTlsProbe(endpoints), {
        timeoutMs: 20_000, pid: state.redisTls.pid, logFile: join(stackPaths.logs, 'redis-tls.log'),
      }),
    ),
    timed(report, 'redis cluster (3 masters): created', async () => {
      await createCluster(state.redisCluster.map(({ port }) => port), material);
      await waitUntil('Redis Cluster', () => clusterProbe(endpoints), { timeoutMs: 20_000 });
    }),
  ]);
}

/** A health check of a running stack: every secured service answers as a client would use it. */
export async function securedAnswers(state: SecuredState): Promise<void> {
  const { endpoints } = state;
  await Promise.all([kafkaScramProbe(endpoints), registryProbe(endpoints), redisTlsProbe(endpoints), clusterProbe(endpoints)]);
}
