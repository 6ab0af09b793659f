import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { choosePort } from '../../scripts/stack/ports.ts';

const ENV_NAME = 'TIDEWATCH_TEST_PINNED_PORT';

function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolveHold) => {
    const server = createServer().listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      resolveHold({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

describe('local stack ports', () => {
  const held: Server[] = [];
  afterEach(() => {
    delete process.env[ENV_NAME];
    for (const server of held.splice(0)) server.close();
  });

  it('refuses a pinned port that is taken, naming the port, the role and the variable', async () => {
    const { server, port } = await holdPort();
    held.push(server);
    process.env[ENV_NAME] = String(port);
    await expect(choosePort(ENV_NAME, 'Kafka broker')).rejects.toThrow(
      `port ${port} (Kafka broker, from ${ENV_NAME}) is already taken`,
    );
  });

  it('takes a pinned port that is free', async () => {
    const { server, port } = await holdPort();
    await new Promise((resolveClose) => server.close(resolveClose));
    process.env[ENV_NAME] = String(port);
    expect(await choosePort(ENV_NAME, 'schema registry')).toBe(port);
  });

  it('picks distinct free ports when not pinned', async () => {
    const first = await choosePort(ENV_NAME, 'Kafka broker');
    const second = await choosePort(ENV_NAME, 'Kafka controller', [first]);
    expect(second).not.toBe(first);
    expect(first).toBeGreaterThan(0);
  });
});
