import { request } from 'node:https';
import kafkajs from 'kafkajs';
import type { KafkaConfig } from 'kafkajs';
import { Cluster, Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { isAlive, logTail } from './processes.ts';

const { Kafka, logLevel } = kafkajs;
const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Metadata from the broker, and a group coordinator that answers: a consumer group can join right away. */
export async function kafkaAnswers(brokers: string[], security: Pick<KafkaConfig, 'ssl' | 'sasl'> = {}): Promise<void> {
  const admin = new Kafka({
    ...security,
    brokers,
    clientId: 'tidewatch-stack-probe',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no broker in metadata');
    // FindCoordinator makes the broker create __consumer_offsets; until that exists consumers cannot join.
    await admin.describeGroups(['tidewatch-stack-probe']);
  } finally {
    await admin.disconnect();
  }
}

export async function registryAnswers(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/subjects`, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`GET /subjects answered ${response.status}`);
  const subjects: unknown = await response.json();
  if (!Array.isArray(subjects)) throw new Error('GET /subjects did not answer a list');
}

/** GET /subjects over HTTPS trusting `ca`, with basic auth (the registry proxy of the secured stack). */
export function securedRegistryAnswers(baseUrl: string, ca: Buffer, username: string, password: string): Promise<void> {
  return new Promise((resolveProbe, reject) => {
    const probe = request(
      `${baseUrl}/subjects`,
      { ca, timeout: 2_000, headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } },
      (answer) => {
        answer.resume();
        if (answer.statusCode === 200) resolveProbe();
        else reject(new Error(`GET /subjects answered ${answer.statusCode}`));
      },
    );
    probe.on('timeout', () => probe.destroy(new Error('timed out')));
    probe.on('error', reject);
    probe.end();
  });
}

/** Every node of a Redis Cluster answers PING through a cluster client. */
export async function redisClusterAnswers(nodes: string[], options: RedisOptions): Promise<void> {
  const seeds = nodes.map((node) => ({ host: node.split(':')[0], port: Number(node.split(':')[1]) }));
  const cluster = new Cluster(seeds, { lazyConnect: true, redisOptions: { ...options, connectTimeout: 1_000 }, clusterRetryStrategy: () => null });
  cluster.on('error', () => {});
  try {
    await cluster.connect();
    const answers = await Promise.all(cluster.nodes('master').map((node) => node.ping()));
    if (answers.length !== nodes.length || answers.some((pong) => pong !== 'PONG')) throw new Error(`masters answered ${answers.join(',')}`);
  } finally {
    cluster.disconnect();
  }
}

export async function redisAnswers(url: string, options: RedisOptions = {}): Promise<void> {
  const redis = new Redis(url, { ...options, lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
  } finally {
    redis.disconnect();
  }
}

export interface WaitOptions {
  timeoutMs: number;
  /** The process that should be answering: if it dies, stop waiting and show its log. */
  pid?: number;
  logFile?: string;
}

export async function waitUntil(what: string, probe: () => Promise<void>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    if (options.pid !== undefined && !isAlive(options.pid)) {
      throw new Error(`${what} exited while starting; its log ends:\n${options.logFile ? logTail(options.logFile) : ''}`);
    }
    await sleep(250);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  const log = options.logFile ? `\nits log ends:\n${logTail(options.logFile)}` : '';
  throw new Error(`${what} not ready after ${options.timeoutMs / 1000}s (last: ${reason})${log}`);
}
