import { createServer } from 'node:net';

const LOOPBACK = '127.0.0.1';

function listenOnce(port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolvePort(bound));
    });
  });
}

/**
 * The port named by `envName` when set (failing clearly if something holds it), else one the OS reports free.
 * A port picked this way can in principle be taken again before the service binds it; the service then fails
 * at start and its log says so.
 */
export async function choosePort(envName: string, role: string, avoid: readonly number[] = []): Promise<number> {
  const pinned = process.env[envName];
  if (pinned === undefined || pinned === '') {
    for (;;) {
      const port = await listenOnce(0);
      if (!avoid.includes(port)) return port;
    }
  }
  const port = Number(pinned);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`${envName}=${pinned} is not a port number`);
  }
  try {
    return await listenOnce(port);
  } catch {
    throw new Error(
      `port ${port} (${role}, from ${envName}) is already taken on ${LOOPBACK}: stop what holds it or choose another`,
    );
  }
}

/**
 * A free port whose Redis Cluster bus port (port + 10000) is free too: a cluster node listens on both, and a node
 * whose bus port is taken cannot start.
 */
export async function chooseClusterPort(avoid: readonly number[] = []): Promise<number> {
  for (;;) {
    const port = await listenOnce(0);
    if (avoid.includes(port) || avoid.includes(port + 10_000) || port + 10_000 > 65535) continue;
    try {
      await listenOnce(port + 10_000);
      return port;
    } catch {
      /* bus port taken: try another */
    }
  }
}
