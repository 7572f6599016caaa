import type { RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '@ecogrid/telemetry';
import type { DependencyHealth } from '@ecogrid/telemetry';

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** The admin port of a gRPC service: liveness, readiness (503 while a dependency is down) and metrics. */
export function createAdminHttpApp(deps: { health: DependencyHealth; handleMetrics: RequestListener; logger: Logger }): RequestListener {
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const route = `${request.method ?? 'GET'} ${path}`;
    const handle = async (): Promise<void> => {
      switch (route) {
        case 'GET /healthz':
          return send(response, 200, { status: 'alive' });
        case 'GET /readyz': {
          const report = await deps.health.report();
          return send(response, report.status === 'healthy' ? 200 : 503, report);
        }
        case 'GET /metrics':
          return deps.handleMetrics(request, response);
        default:
          return send(response, 404, { error: { reason: 'not_found', message: `no route ${route}` } });
      }
    };
    handle().catch((error: unknown) => {
      deps.logger.error({ err: error, route }, 'admin request failed');
      send(response, 500, { error: { reason: 'internal', message: 'internal error' } });
    });
  };
}
