import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SecuredMaterial } from './certificates.ts';
import { stackPaths } from './paths.ts';
import { startDetached } from './processes.ts';

const run = promisify(execFile);

export interface RedisServerProcess {
  pid: number;
  port: number;
}

/**
 * Config lines every secured Redis shares: loopback, no persistence, and the ACL user the service logs in as, with
 * the default (password-less) user switched off. Written to a file of mode 600, so the password never shows in `ps`.
 */
function aclLines(material: SecuredMaterial): string[] {
  const { redis } = material.accounts;
  return [
    'bind 127.0.0.1',
    'save ""',
    'appendonly no',
    'user default off',
    `user ${redis.username} on >${redis.password} ~* &* +@all`,
  ];
}

function startRedisServer(name: string, port: number, lines: string[]): RedisServerProcess {
  const dir = join(stackPaths.home, 'redis-secured', name);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'redis.conf');
  writeFileSync(config, [...lines, `dir ${dir}`, ''].join('\n'), { mode: 0o600 });
  const pid = startDetached({ command: 'redis-server', args: [config], cwd: dir, logFile: join(stackPaths.logs, `redis-${name}.log`) });
  return { pid, port };
}

/** TLS only (no plain port), a client certificate signed by the stack's CA required, and the ACL user. */
export function startTlsRedis(port: number, material: SecuredMaterial): RedisServerProcess {
  return startRedisServer('tls', port, [
    'port 0',
    `tls-port ${port}`,
    `tls-cert-file ${material.serverCertFile}`,
    `tls-key-file ${material.serverKeyFile}`,
    `tls-ca-cert-file ${material.caFile}`,
    'tls-auth-clients yes',
    ...aclLines(material),
  ]);
}

/** One master of the Cluster; `createCluster` joins them. */
export function startClusterNode(port: number, material: SecuredMaterial): RedisServerProcess {
  return startRedisServer(`cluster-${port}`, port, [
    `port ${port}`,
    'cluster-enabled yes',
    `cluster-config-file nodes-${port}.conf`,
    'cluster-node-timeout 5000',
    ...aclLines(material),
  ]);
}

/** `redis-cli --cluster create` over the masters (no replicas), then waits until every node reports the cluster ok. */
export async function createCluster(ports: readonly number[], material: SecuredMaterial): Promise<void> {
  const { redis } = material.accounts;
  // REDISCLI_AUTH rather than -a: the password stays out of the process list
  const env = { ...process.env, REDISCLI_AUTH: redis.password };
  const nodes = ports.map((port) => `127.0.0.1:${port}`);
  const ask = async (port: number, ...command: string[]) =>
    (await run('redis-cli', ['--user', redis.username, '-p', String(port), ...command], { env }).catch(() => ({ stdout: '' }))).stdout;
  await untilTrue(`Redis Cluster nodes ${nodes.join(',')} answer PING`, async () =>
    (await Promise.all(ports.map((port) => ask(port, 'ping')))).every((answer) => answer.trim() === 'PONG'),
  );
  await run('redis-cli', ['--user', redis.username, '--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { env });
  await untilTrue(`Redis Cluster on ${nodes.join(',')} reports cluster_state:ok`, async () =>
    (await Promise.all(ports.map((port) => ask(port, 'cluster', 'info')))).every((info) => info.includes('cluster_state:ok')),
  );
}

async function untilTrue(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs / 1000}s`);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
  }
}
