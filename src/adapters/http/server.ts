import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * The service's HTTP port, on node:http rather than a framework: four GET routes need no router, and what keeps the
 * port up is node:http's own bounds (header size, header and request deadlines, idle sockets, connection count),
 * which a framework would only pass through. Every way a request can fail ends in a status of its own here: a
 * malformed escape is a 400, not an uncaught URIError that ends the process.
 */

export interface HealthChecks {
  /** The process can do its job at all (false after a fatal consumer crash: restart it). */
  live(): boolean;
  /** Every dependency answers and the consumer has joined its group; names what is not ready otherwise. */
  ready(): Promise<{ ready: boolean; checks: Record<string, boolean> }>;
}

/** What a route sees of the request: its decoded path parameters come separately. */
export interface RouteRequest {
  headers: IncomingHttpHeaders;
}

export interface JsonResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A GET route with a path parameter, e.g. /customers/:id/features; answers a status and a JSON body. */
export interface JsonRoute {
  pattern: RegExp;
  handle(params: string[], request: RouteRequest): Promise<JsonResponse>;
}

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

/** Bounds on what one client may hold: a slow or stalled client is cut off, and the port stays up for the others. */
export interface HttpLimits {
  /** The request line and headers must arrive within this (ms); node answers 408 otherwise. */
  headersTimeoutMs: number;
  /** The whole request must arrive within this (ms). */
  requestTimeoutMs: number;
  /** A socket with no traffic at all is closed after this (ms). */
  idleTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (ms). */
  keepAliveTimeoutMs: number;
  /** How often node checks the two deadlines above (ms). */
  checkIntervalMs: number;
  /** Request line and headers together, at most (bytes); node answers 431 beyond. */
  maxHeaderBytes: number;
  /** Path (before any query) at most this long, else 414. */
  maxPathLength: number;
  /** Open connections at most; more are refused at once. */
  maxConnections: number;
}

export const defaultHttpLimits: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxHeaderBytes: 16 * 1024,
  maxPathLength: 2_048,
  maxConnections: 512,
};

export interface HttpServerOptions {
  limits?: Partial<HttpLimits>;
  /** Told about a route that threw (the client gets a 500 without the error's text); the path is not passed: it holds customer ids. */
  onRouteError?: (error: unknown) => void;
}

const SECURITY_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

function json(body: unknown): string {
  return `${JSON.stringify(body)}\n`;
}

/** Operations endpoints: /healthz (liveness), /readyz (readiness, per check), /metrics (Prometheus), and the JSON routes. */
export async function startHttpServer(
  host: string,
  port: number,
  health: HealthChecks,
  metrics: Registry,
  jsonRoutes: readonly JsonRoute[] = [],
  options: HttpServerOptions = {},
): Promise<HttpServer> {
  const limits: HttpLimits = { ...defaultHttpLimits, ...options.limits };
  const fixedRoutes: Record<string, () => Promise<JsonResponse | { status: number; contentType: string; text: string }>> = {
    '/healthz': async () => {
      const live = health.live();
      return { status: live ? 200 : 503, body: { live } };
    },
    '/readyz': async () => {
      const { ready, checks } = await health.ready();
      return { status: ready ? 200 : 503, body: { ready, checks } };
    },
    '/metrics': async () => ({ status: 200, contentType: metrics.contentType, text: await metrics.metrics() }),
  };

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json', text?: string) => {
      if (response.headersSent || response.destroyed) return;
      const payload = text ?? json(body);
      response.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(payload) });
      response.end(request.method === 'HEAD' ? undefined : payload);
    };
    // a body is never read: drained so the connection can be reused, and closed after the answer
    if (request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined) {
      response.shouldKeepAlive = false;
      request.resume();
    }
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path.length > limits.maxPathLength) return send(414, { error: `path longer than ${limits.maxPathLength} characters` });
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.shouldKeepAlive = false;
      return send(405, { error: 'method not allowed: only GET and HEAD' }, { allow: 'GET, HEAD' });
    }
    const fixed = Object.hasOwn(fixedRoutes, path) ? fixedRoutes[path] : undefined;
    if (fixed !== undefined) {
      const result = await fixed();
      if ('text' in result) return send(result.status, undefined, {}, result.contentType, result.text);
      return send(result.status, result.body);
    }
    for (const route of jsonRoutes) {
      const match = route.pattern.exec(path);
      if (match === null) continue;
      const params: string[] = [];
      for (const raw of match.slice(1)) {
        const decoded = decodePathParam(raw ?? '');
        if (decoded === undefined) return send(400, { error: 'malformed percent-encoding in the path' });
        params.push(decoded);
      }
      const result = await route.handle(params, { headers: request.headers });
      return send(result.status, result.body, result.headers);
    }
    return send(404, { error: 'not found' });
  };

  const server: Server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
      maxHeaderSize: limits.maxHeaderBytes,
    },
    (request, response) => {
      answer(request, response).catch((error: unknown) => {
        options.onRouteError?.(error);
        if (!response.headersSent && !response.destroyed) {
          response.writeHead(500, { ...SECURITY_HEADERS, 'content-type': 'application/json' }).end(json({ error: 'internal error' }));
        } else {
          response.destroy();
        }
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  // a socket with no traffic at all (a client that connects and never sends) is closed
  server.setTimeout(limits.idleTimeoutMs, (socket: Socket) => socket.destroy());
  // no body is ever read, so no `100 Continue` invitation to send one: the final status straight away
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => server.emit('request', request, response));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket));

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  // after listening, an error of the server itself (not of a request) must not end the process either
  server.on('error', (error) => options.onRouteError?.(error));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () =>
      new Promise((resolveClose) => {
        server.close(() => resolveClose());
        server.closeIdleConnections();
      }),
  };
}

/** decodeURIComponent, or undefined for a malformed escape such as %E0%A4%A. */
export function decodePathParam(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** A request node could not parse (or that ran out of time): a status line if the socket still takes one, then close. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? '431 Request Header Fields Too Large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}
