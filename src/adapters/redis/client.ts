import { Cluster, Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { redactUrl } from '../../config/redact.ts';
import type { RedisConnection } from '../../config/security.ts';
import type { Logger } from '../../observability/logger.ts';

/** A standalone (or Sentinel-fronted) server or a Cluster: the stores and probes take either. */
export type RedisClient = Redis | Cluster;

/** The per-connection options of a connection: ACL user, password, TLS (CA and client certificate). */
function connectionOptions(connection: RedisConnection): RedisOptions {
  return {
    ...(connection.username === undefined ? {} : { username: connection.username }),
    ...(connection.password === undefined ? {} : { password: connection.password }),
    ...(connection.tls === undefined ? {} : { tls: { ...connection.tls } }),
  };
}

/**
 * One client per process; ioredis reconnects by itself and queues commands meanwhile. On a Cluster, commands issued
 * together are auto-pipelined into one pipeline per node (the state store relies on it). A bare URL string is a
 * standalone server with whatever credentials the URL carries.
 */
export function createRedis(connection: RedisConnection | string, logger: Logger): RedisClient {
  const common = { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true } as const;
  const onError = (error: Error) => logger.warn({ component: 'redis', err: error.message }, 'redis connection error');
  if (typeof connection === 'string') {
    const redis = new Redis(connection, common);
    redis.on('error', onError);
    return redis;
  }
  if (connection.clusterNodes !== undefined) {
    const cluster = new Cluster(connection.clusterNodes, {
      lazyConnect: true,
      enableAutoPipelining: true,
      redisOptions: { ...connectionOptions(connection), maxRetriesPerRequest: 3 },
    });
    cluster.on('error', onError);
    return cluster;
  }
  const redis = new Redis(connection.url, { ...common, ...connectionOptions(connection) });
  redis.on('error', onError);
  return redis;
}

/** For messages: where the client connects, without credentials. */
export function redisEndpointOf(connection: RedisConnection | string): string {
  return typeof connection === 'string' ? redactUrl(connection) : connection.url;
}

/** A readiness probe must answer quickly: a PING that ioredis queues behind a reconnect counts as no answer. */
export async function redisAnswers(redis: RedisClient, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((pong) => pong === 'PONG', () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects, and on failure throws the server's own reason: ioredis rejects connect() with "Connection is closed"
 * (standalone) or "None of startup nodes is available" (Cluster) and reports the cause, e.g. WRONGPASS, only as an
 * 'error' event (standalone) or a 'node error' event and a chain of lastNodeError (Cluster).
 */
export async function connectRedis(redis: RedisClient): Promise<void> {
  let clientError: Error | undefined;
  let nodeError: Error | undefined;
  const onError = (error: Error) => {
    clientError = error;
  };
  const onNodeError = (error: Error) => {
    nodeError = error;
  };
  redis.on('error', onError);
  redis.on('node error', onNodeError);
  try {
    await redis.connect();
  } catch (error) {
    const reason = nodeError ?? deepestNodeError(error) ?? clientError;
    throw reason === undefined ? error : new Error(reason.message, { cause: error });
  } finally {
    redis.off('error', onError);
    redis.off('node error', onNodeError);
  }
}

function deepestNodeError(error: unknown): Error | undefined {
  let deepest: Error | undefined;
  let next = (error as { lastNodeError?: unknown } | undefined)?.lastNodeError;
  while (next instanceof Error) {
    deepest = next;
    next = (next as { lastNodeError?: unknown }).lastNodeError;
  }
  return deepest;
}
