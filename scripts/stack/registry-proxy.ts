/**
 * The schema registry as a bank runs it: HTTPS with the bank's CA and HTTP basic auth in front (an API gateway or the
 * registry's own auth). Apicurio's own auth needs an OIDC server, so the local stack puts this small proxy before it.
 * Started detached by the stack: `node --import tsx registry-proxy.ts` with the settings in its environment.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:https';

const setting = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`registry-proxy: ${name} not set`);
  return value;
};

const upstreamPort = Number(setting('REGISTRY_PROXY_UPSTREAM_PORT'));
const listenPort = Number(setting('REGISTRY_PROXY_PORT'));
const expected = Buffer.from(
  `Basic ${Buffer.from(`${setting('REGISTRY_PROXY_USERNAME')}:${readFileSync(setting('REGISTRY_PROXY_PASSWORD_FILE'), 'utf8').trim()}`).toString('base64')}`,
);

function authorised(header: string | undefined): boolean {
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const server = createServer(
  { cert: readFileSync(setting('REGISTRY_PROXY_CERT_FILE')), key: readFileSync(setting('REGISTRY_PROXY_KEY_FILE')) },
  (incoming, outgoing) => {
    if (!authorised(incoming.headers.authorization)) {
      outgoing.writeHead(401, { 'www-authenticate': 'Basic realm="schema-registry"', 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
      return;
    }
    const { authorization: _authorization, host: _host, ...headers } = incoming.headers;
    const upstream = request(
      { host: '127.0.0.1', port: upstreamPort, method: incoming.method, path: incoming.url, headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', (error) => {
      outgoing.writeHead(502, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ error_code: 502, message: error.message }));
    });
    incoming.pipe(upstream);
  },
);

server.listen(listenPort, '127.0.0.1', () => process.stdout.write(`registry-proxy on https://127.0.0.1:${listenPort} -> ${upstreamPort}\n`));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
