import type { RequestListener, ServerResponse } from 'node:http';
import type { DependencyHealth } from '@ecogrid/telemetry';

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * The admin port: `/healthz` (the process answers), `/readyz` (the shared dependency report — 503 naming every
 * failing check: registry view not caught up, consumer not in its group, Kafka or PostgreSQL unreachable),
 * `/metrics` (Prometheus).
 */
export function createAdminHttp(deps: { health: DependencyHealth; handleMetrics: RequestListener }): RequestListener {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz') return send(response, 200, { status: 'alive' });
    if (request.method === 'GET' && path === '/metrics') return deps.handleMetrics(request, response);
    if (request.method === 'GET' && path === '/readyz') {
      void deps.health.report().then((report) => send(response, report.status === 'healthy' ? 200 : 503, report));
      return;
    }
    send(response, 404, { error: { reason: 'not_found', message: `no route ${request.method} ${path}` } });
  };
}
