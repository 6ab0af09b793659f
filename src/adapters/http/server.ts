import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  /** The process can do its job at all (false after a fatal consumer crash: restart it). */
  live(): boolean;
  /** Every dependency answers and the consumer has joined its group; names what is not ready otherwise. */
  ready(): Promise<{ ready: boolean; checks: Record<string, boolean> }>;
}

/** A GET route with a path parameter, e.g. /customers/:id/features; answers a status and a JSON body. */
export interface JsonRoute {
  pattern: RegExp;
  handle(params: string[]): Promise<{ status: number; body: unknown }>;
}

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

function json(body: unknown): string {
  return `${JSON.stringify(body)}\n`;
}

/** Operations endpoints: /healthz (liveness), /readyz (readiness, per check), /metrics (Prometheus). */
export async function startHttpServer(
  host: string,
  port: number,
  health: HealthChecks,
  metrics: Registry,
  jsonRoutes: readonly JsonRoute[] = [],
): Promise<HttpServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, contentType: string, body: string) => {
      response.writeHead(status, { 'content-type': contentType }).end(body);
    };
    const routes: Record<string, () => Promise<void>> = {
      '/healthz': async () => {
        const live = health.live();
        send(live ? 200 : 503, 'application/json', json({ live }));
      },
      '/readyz': async () => {
        const { ready, checks } = await health.ready();
        send(ready ? 200 : 503, 'application/json', json({ ready, checks }));
      },
      '/metrics': async () => send(200, metrics.contentType, await metrics.metrics()),
    };
    let route = request.method === 'GET' && path !== undefined ? routes[path] : undefined;
    if (route === undefined && request.method === 'GET' && path !== undefined) {
      for (const candidate of jsonRoutes) {
        const match = candidate.pattern.exec(path);
        if (match === null) continue;
        const params = match.slice(1).map((param) => decodeURIComponent(param));
        route = async () => {
          const { status, body } = await candidate.handle(params);
          send(status, 'application/json', json(body));
        };
        break;
      }
    }
    if (route === undefined) {
      send(404, 'application/json', json({ error: 'not found' }));
      return;
    }
    route().catch((error: unknown) => send(500, 'application/json', json({ error: String(error) })));
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () => new Promise((resolveClose) => server.close(() => resolveClose())),
  };
}
