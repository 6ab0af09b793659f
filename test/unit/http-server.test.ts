import { createHash } from 'node:crypto';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokensFile, parseTokens } from '../../src/adapters/http/bearer-tokens.ts';
import type { BearerTokens } from '../../src/adapters/http/bearer-tokens.ts';
import { startHttpServer } from '../../src/adapters/http/server.ts';
import type { HttpServer, JsonRoute } from '../../src/adapters/http/server.ts';
import { featuresRoute } from '../../src/service/features-route.ts';
import { MemoryStateStore } from '../../src/state/memory-store.ts';
import { core, profile } from '../support/core-fixtures.ts';
import { customerState } from '../support/state-store-contract.ts';

/**
 * The service's HTTP port, started for real on loopback: no request can end the process or leave a client without a
 * proper status, slow clients are cut off while others are served, and customer features need a bearer token whose
 * scope covers the customer.
 */

const ALL_TOKEN = 'all-access-token-0123456789abcdef';
const BRANCH_TOKEN = 'branch-prague-1-token-0123456789';
const RM_TOKEN = 'rm-7-token-0123456789abcdefghij';
const HASHED_TOKEN = 'kept-only-as-a-hash-0123456789abc';

const tokensYaml = `
tokens:
  - name: risk-desk
    token: ${ALL_TOKEN}
    scope: all
  - name: branch-prague-1
    token: ${BRANCH_TOKEN}
    scope: { branchIds: [branch-prague-1] }
  - name: rm-7
    token: ${RM_TOKEN}
    scope: { rmIds: [rm-7] }
  - name: hashed
    sha256: ${createHash('sha256').update(HASHED_TOKEN).digest('hex')}
    scope: all
`;

const limits = { headersTimeoutMs: 400, requestTimeoutMs: 800, idleTimeoutMs: 1_000, keepAliveTimeoutMs: 300, checkIntervalMs: 100 };
/** Statuses any answer may carry; anything else (or no status at all) fails the fuzz. */
const PROPER = new Set([200, 400, 401, 403, 404, 405, 408, 413, 414, 417, 431, 505]);

interface RawAnswer {
  status: number | null;
  text: string;
  closedByServer: boolean;
}

/** Writes raw bytes (optionally trickled) and reads until the server closes the socket or `waitMs` runs out. */
function raw(port: number, chunks: readonly string[], options: { gapMs?: number; waitMs?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(giveUp);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: status === null ? null : Number(status[1]), text, closedByServer });
    };
    const giveUp = setTimeout(() => finish(false), options.waitMs ?? 5_000);
    socket.on('data', (data) => {
      text += data.toString('latin1');
    });
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? finish(true) : reject(error)));
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (options.gapMs !== undefined) await new Promise((wait) => setTimeout(wait, options.gapMs));
      }
    });
  });
}

const get = (port: number, path: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${port}${path}`, { headers, signal: AbortSignal.timeout(5_000) });

async function startWith(tokens: BearerTokens | null, extraRoutes: JsonRoute[] = []) {
  const store = new MemoryStateStore();
  await store.putProfiles([
    { customerId: 'c-prague', profile: profile({ customerId: 'c-prague', branchId: 'branch-prague-1', rmId: 'rm-2' }) },
    { customerId: 'c-brno', profile: profile({ customerId: 'c-brno', branchId: 'branch-brno', rmId: 'rm-7' }) },
    { customerId: 'c-other', profile: profile({ customerId: 'c-other', branchId: 'branch-ostrava', rmId: 'rm-9' }) },
  ]);
  await store.commit(
    ['c-prague', 'c-brno', 'c-other'].map((customerId) => ({ customerId, expectedRev: 0, state: customerState(customerId, { rev: 1 }) })),
    [],
  );
  const metrics = new Registry();
  const health = { live: () => true, ready: async () => ({ ready: true, checks: { kafka: true } }) };
  const routes = [featuresRoute(store, core, () => Date.parse('2024-02-01T00:00:00Z'), { tokens: () => tokens }), ...extraRoutes];
  return startHttpServer('127.0.0.1', 0, health, metrics, routes, { limits });
}

describe('HTTP port: features need a bearer token whose scope covers the customer', () => {
  let server: HttpServer;
  beforeAll(async () => {
    server = await startWith(parseTokens(tokensYaml, 'tokens.yaml'));
  });
  afterAll(() => server.close());

  it('keeps health, readiness and metrics open', async () => {
    expect((await get(server.port, '/healthz')).status).toBe(200);
    expect(await (await get(server.port, '/readyz')).json()).toEqual({ ready: true, checks: { kafka: true } });
    expect((await get(server.port, '/metrics')).status).toBe(200);
  });

  it('answers 401 with a Bearer challenge without a token or with a wrong one', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${ALL_TOKEN}x` }, { authorization: `Basic ${ALL_TOKEN}` }, { authorization: 'Bearer' }]) {
      const response = await get(server.port, '/customers/c-prague/features', headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tidewatch"');
      expect(((await response.json()) as { error: string }).error).toMatch(/bearer token/);
    }
  });

  it('serves any customer to an all-scope token, also one stored as a hash', async () => {
    for (const token of [ALL_TOKEN, HASHED_TOKEN]) {
      const response = await get(server.port, '/customers/c-other/features', { authorization: `Bearer ${token}` });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ customerId: 'c-other', profile: { branchId: 'branch-ostrava' } });
    }
    expect((await get(server.port, '/customers/nobody/features', { authorization: `Bearer ${ALL_TOKEN}` })).status).toBe(404);
  });

  it("shows a branch's or an RM's token only their customers: 403 for the others", async () => {
    const branch = { authorization: `Bearer ${BRANCH_TOKEN}` };
    expect((await get(server.port, '/customers/c-prague/features', branch)).status).toBe(200);
    const refused = await get(server.port, '/customers/c-brno/features', branch);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/scope/);
    // no profile, so nothing says the customer is the branch's
    expect((await get(server.port, '/customers/nobody/features', branch)).status).toBe(403);
    const rm = { authorization: `Bearer ${RM_TOKEN}` };
    expect((await get(server.port, '/customers/c-brno/features', rm)).status).toBe(200);
    expect((await get(server.port, '/customers/c-prague/features', rm)).status).toBe(403);
  });

  it('answers 400 for the malformed escape that used to end the process, and keeps serving', async () => {
    const answer = await raw(server.port, ['GET /customers/%E0%A4%A/features HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
    expect(answer.status).toBe(400);
    const authorized = await get(server.port, '/customers/%E0%A4%A/features', { authorization: `Bearer ${ALL_TOKEN}` });
    expect(authorized.status).toBe(400);
    expect((await get(server.port, '/healthz')).status).toBe(200);
  });

  it('refuses methods other than GET and HEAD with 405 and an Allow header', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const response = await fetch(`http://127.0.0.1:${server.port}/healthz`, { method, signal: AbortSignal.timeout(5_000) });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
    const trace = await raw(server.port, ['TRACE /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
    expect(trace.status).toBe(405);
    const head = await fetch(`http://127.0.0.1:${server.port}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('answers 414 for a long path and 431 for headers beyond the limit', async () => {
    expect((await raw(server.port, [`GET /customers/${'a'.repeat(5_000)}/features HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`])).status).toBe(414);
    expect((await raw(server.port, [`GET /customers/${'a'.repeat(40_000)}/features HTTP/1.1\r\nhost: x\r\n\r\n`])).status).toBe(431);
    expect((await raw(server.port, [`GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(40_000)}\r\n\r\n`])).status).toBe(431);
    const longId = await get(server.port, `/customers/${'c'.repeat(500)}/features`, { authorization: `Bearer ${ALL_TOKEN}` });
    expect(longId.status).toBe(400);
  });

  it(
    'cuts off clients that trickle their headers, never finish, or never send, and serves others meanwhile',
    { timeout: 30_000 },
    async () => {
      const started = Date.now();
      const [trickle, unfinished, silent, body, health] = await Promise.all([
        // one byte every 100 ms: the headers are not complete within 400 ms
        raw(server.port, [...'GET /healthz HTTP/1.1\r\nhost: localhost\r\nx-slow: yes\r\n\r\n'], { gapMs: 100, waitMs: 8_000 }),
        raw(server.port, ['GET /healthz HTTP/1.1\r\nhost: x\r\n'], { waitMs: 8_000 }),
        raw(server.port, [], { waitMs: 8_000 }),
        // a body announced and never sent
        raw(server.port, ['GET /healthz HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\nabc'], { waitMs: 8_000 }),
        new Promise<void>((resolve) => setTimeout(resolve, 200)).then(async () => (await get(server.port, '/healthz')).status),
      ]);
      expect(health).toBe(200);
      expect(trickle).toMatchObject({ status: 408, closedByServer: true });
      expect(unfinished).toMatchObject({ status: 408, closedByServer: true });
      expect(silent.closedByServer).toBe(true);
      // answered at once (no body is read), then cut off rather than kept open
      expect(body.status).toBe(200);
      expect(body.closedByServer).toBe(true);
      // every slow client was closed by the server well before the test's own give-up
      expect(Date.now() - started).toBeLessThan(7_000);
      expect((await get(server.port, '/healthz')).status).toBe(200);
    },
  );

  it(
    'answers every fuzzed request with a proper status and stays up',
    { timeout: 120_000 },
    async () => {
      const methods = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE', 'BREW', 'get', 'G\u00e9T', '', 'GET GET');
      const escape = fc.oneof(
        fc.constantFrom('%', '%E0', '%E0%A4%A', '%ZZ', '%00', '%2F', '%C0%AF', '%FF%FE', '%25', '%%', '%u0041'),
        fc.string({ maxLength: 3 }).map((text) => encodeURIComponent(text)),
      );
      const idPart = fc.oneof(fc.string({ maxLength: 8 }), escape, fc.constantFrom('..', '.', '/', '?', '#', ' ', '\t', 'c-prague', 'c-brno'));
      const id = fc.oneof(fc.array(idPart, { maxLength: 6 }).map((parts) => parts.join('')), fc.nat(4_000).map((length) => 'x'.repeat(length)));
      const path = fc.oneof(
        id.map((value) => `/customers/${value}/features`),
        id.map((value) => `/customers/${value}`),
        fc.constantFrom('/healthz', '/readyz', '/metrics', '/', '*', '', '/healthz?x=%E0', '//customers//features', '/customers/%E0%A4%A/features'),
        fc.string({ maxLength: 40 }),
      );
      const header = fc.oneof(
        fc.constantFrom(
          `authorization: Bearer ${ALL_TOKEN}`,
          `authorization: Bearer ${BRANCH_TOKEN}`,
          'authorization: Bearer',
          'authorization: Bearer \u00ff\u00fe',
          'authorization:',
          'content-length: -1',
          'content-length: abc',
          'content-length: 3',
          'transfer-encoding: chunked',
          'transfer-encoding: gzip, chunked',
          'expect: 100-continue',
          'host:',
          'x-weird: \u0001\u0002',
          ': no-name',
          'no-colon',
        ),
        fc.tuple(fc.stringMatching(/^[a-z-]{1,12}$/), fc.string({ maxLength: 20 })).map(([name, value]) => `${name}: ${value}`),
      );
      const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'FOO', '');
      const request = fc.record({ method: methods, path, version, headers: fc.array(header, { maxLength: 5 }) });

      await fc.assert(
        fc.asyncProperty(request, async ({ method, path, version, headers }) => {
          const head = `${method} ${path} ${version}\r\nhost: localhost\r\n${headers.map((line) => `${line}\r\n`).join('')}connection: close\r\n\r\n`;
          const answer = await raw(server.port, [head], { waitMs: 4_000 });
          // answered with a proper status, or (at worst) closed by the server: never left hanging
          if (answer.status === null) return answer.closedByServer;
          return PROPER.has(answer.status);
        }),
        { numRuns: 300, seed: 20_261_206 },
      );
      expect((await get(server.port, '/healthz')).status).toBe(200);
      expect((await get(server.port, '/customers/c-prague/features', { authorization: `Bearer ${ALL_TOKEN}` })).status).toBe(200);
    },
  );
});

describe('HTTP port: the features endpoint is off unless tokens are configured', () => {
  let server: HttpServer;
  beforeAll(async () => {
    const failing: JsonRoute = {
      pattern: /^\/boom\/([^/]+)$/,
      handle: async () => {
        throw new Error('secret detail of a store failure');
      },
    };
    server = await startWith(null, [failing]);
  });
  afterAll(() => server.close());

  it('answers 404 with a body that says how to turn it on, whatever the token', async () => {
    const response = await get(server.port, '/customers/c-prague/features', { authorization: `Bearer ${ALL_TOKEN}` });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toMatch(/off.*TIDEWATCH_FEATURES_TOKENS_FILE/);
  });

  it('answers 500 without the error text when a route throws, and keeps serving', async () => {
    const response = await get(server.port, '/boom/x');
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret detail');
    expect((await get(server.port, '/healthz')).status).toBe(200);
  });
});

describe('tokens file', () => {
  it('refuses short tokens, entries with both or neither of token and sha256, and empty scopes, naming the field', () => {
    expect(() => parseTokens('tokens:\n  - { name: a, token: short, scope: all }', 'f.yaml')).toThrow(/tokens\.0\.token: a token has at least 24/);
    expect(() => parseTokens(`tokens:\n  - { name: a, scope: all }`, 'f.yaml')).toThrow(/exactly one of token and sha256/);
    expect(() => parseTokens(`tokens:\n  - { name: a, token: ${ALL_TOKEN}, scope: {} }`, 'f.yaml')).toThrow(/at least one branchId or rmId/);
    expect(() => parseTokens('tokens: [', 'f.yaml')).toThrow(/f\.yaml: not YAML or JSON/);
  });

  it('never puts a token in its error messages', () => {
    const text = `tokens:\n  - { name: a, token: ${ALL_TOKEN}, scope: nowhere }`;
    expect(() => parseTokens(text, 'f.yaml')).toThrow();
    try {
      parseTokens(text, 'f.yaml');
    } catch (error) {
      expect(String(error)).not.toContain(ALL_TOKEN);
    }
  });

  it('follows a rotated file and keeps the tokens in force when the new file is invalid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-tokens-'));
    const path = join(dir, 'tokens.yaml');
    writeFileSync(path, `tokens:\n  - { name: old, token: ${ALL_TOKEN}, scope: all }\n`);
    let now = 0;
    const refused: string[] = [];
    const file = new TokensFile(path, { recheckMs: 1_000, clock: () => now, onRefused: (error) => refused.push(error.message) });
    expect(file.current().grantFor(`Bearer ${ALL_TOKEN}`)?.name).toBe('old');
    writeFileSync(path, `tokens:\n  - { name: new, token: ${RM_TOKEN}, scope: all }\n`);
    // mtime granularity: make sure the change is seen as one
    const later = new Date(Date.now() + 5_000);
    utimesSync(path, later, later);
    now = 1_000;
    expect(file.current().grantFor(`Bearer ${RM_TOKEN}`)?.name).toBe('new');
    expect(file.current().grantFor(`Bearer ${ALL_TOKEN}`)).toBeUndefined();
    writeFileSync(path, 'tokens: [');
    utimesSync(path, new Date(Date.now() + 10_000), new Date(Date.now() + 10_000));
    now = 2_000;
    expect(file.current().grantFor(`Bearer ${RM_TOKEN}`)?.name).toBe('new');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/not YAML or JSON/);
  });
});
