import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { redactUrl } from '../../config/redact.ts';
import { withoutCredentials } from '../../config/security.ts';
import type { RegistryConnection } from '../../config/security.ts';

/** Where the registry is: a connection (auth, CA) or a bare URL (tests, tools), whose credentials are then used. */
export type RegistryTarget = string | RegistryConnection;

export function registryConnection(target: RegistryTarget): RegistryConnection {
  if (typeof target !== 'string') return target;
  const { url, username, password } = withoutCredentials(target);
  return { url, ...(username !== undefined && password !== undefined ? { auth: { username, password } } : {}) };
}

/** One keep-alive agent per connection (with its CA, for https), shared by the client and the plain calls. */
const agents = new WeakMap<RegistryConnection, HttpAgent>();

function agentOf(connection: RegistryConnection): HttpAgent {
  let agent = agents.get(connection);
  if (agent === undefined) {
    agent = connection.url.startsWith('https:')
      ? new HttpsAgent({ keepAlive: true, ...(connection.ca === undefined ? {} : { ca: connection.ca }) })
      : new HttpAgent({ keepAlive: true });
    agents.set(connection, agent);
  }
  return agent;
}

/** The one place a SchemaRegistry client is made: basic auth and the CA go with it, never in the URL. */
export function createSchemaRegistry(target: RegistryTarget): SchemaRegistry {
  const connection = registryConnection(target);
  return new SchemaRegistry({
    host: connection.url,
    agent: agentOf(connection),
    ...(connection.auth === undefined ? {} : { auth: connection.auth }),
  });
}

export interface RegistryAnswer {
  status: number;
  body: string;
}

/**
 * A registry call the client has no method for (path relative to the registry URL), with the connection's auth and
 * CA. The error of a call that gets no answer names the URL redacted.
 */
export function registryRequest(target: RegistryTarget, path: string, init: { method?: string; body?: string } = {}): Promise<RegistryAnswer> {
  const connection = registryConnection(target);
  const url = `${connection.url.replace(/\/+$/, '')}${path}`;
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {
    accept: 'application/vnd.schemaregistry.v1+json',
    'content-type': 'application/vnd.schemaregistry.v1+json',
  };
  if (connection.auth !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${connection.auth.username}:${connection.auth.password}`).toString('base64')}`;
  }
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolveAnswer, reject) => {
    const call = send(url, { method, headers, agent: agentOf(connection), timeout: 10_000 }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => resolveAnswer({ status: answer.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      answer.on('error', reject);
    });
    call.on('timeout', () => call.destroy(new Error('no answer within 10 s')));
    call.on('error', (error) => reject(new Error(`${method} ${redactUrl(url)}: ${error.message}`)));
    call.end(init.body);
  });
}

/**
 * A start-up check that names the problem: the registry answers, and accepts the credentials. GET /config (the
 * global compatibility) is small whatever the number of subjects.
 */
export async function assertRegistryAnswers(target: RegistryTarget): Promise<void> {
  const connection = registryConnection(target);
  const answer = await registryRequest(connection, '/config');
  if (answer.status === 401 || answer.status === 403) {
    throw new Error(`the registry refused ${connection.auth === undefined ? 'an anonymous request' : `user ${connection.auth.username}`} (HTTP ${answer.status})`);
  }
  if (answer.status >= 400) throw new Error(`GET /config answered HTTP ${answer.status}`);
}
