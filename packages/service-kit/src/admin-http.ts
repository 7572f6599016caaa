import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@ecogrid/telemetry';
import { splitHostPort } from './base-config';
import type { DependencyHealth } from './dependency-health';

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

export interface AdminHttpOptions {
  health: DependencyHealth;
  /** The Prometheus exposition (`telemetry.handleMetrics`). */
  handleMetrics: RequestListener;
  logger: Logger;
}

/**
 * The admin listener every service has, on an address of its own (never the public API port): `/healthz` (the
 * process answers), `/readyz` (200 when every dependency answers; 503 naming the ones that do not, with a reason
 * code and no error text) and `/metrics`.
 */
export function createAdminHttp(options: AdminHttpOptions): Server {
  const logger = options.logger.child({ module: 'admin-http' });
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { error: { code: 'method_not_allowed', message: `${request.method} is not served here` } });
      return;
    }
    switch (path) {
      case '/healthz':
        sendJson(response, 200, { status: 'alive' });
        return;
      case '/readyz':
        options.health.report().then(
          (report) => sendJson(response, report.status === 'ready' ? 200 : 503, report),
          (error: unknown) => {
            logger.error({ err: error }, 'readiness report failed');
            sendJson(response, 500, { error: { code: 'internal', message: 'internal error' } });
          },
        );
        return;
      case '/metrics':
        options.handleMetrics(request, response);
        return;
      default:
        sendJson(response, 404, { error: { code: 'not_found', message: `no route ${path}` } });
    }
  });
}

/** Binds a built HTTP server to `host:port`; only a service's main.ts calls it. Resolves with the bound port. */
export function listenHttp(server: Server, address: string): Promise<number> {
  const { host, port } = splitHostPort(address);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound ? bound.port : port);
    });
  });
}

/** Stops taking connections and resolves once the open ones have ended. */
export function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
