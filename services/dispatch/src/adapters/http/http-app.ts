import type { RequestListener } from 'node:http';
import { httpStatusOf, isDomainError } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';
import type { DispatchApp } from '../../app';
import type { ApiKeyStore } from '../../app/ports';
import type { BearerTokens } from '../auth/bearer-tokens';
import type { DependencyHealth } from '@ecogrid/telemetry';
import { route, sendJson, type Route } from './http-kit';
import { open311Routes } from './open311-routes';
import { staffRoutes } from './staff-routes';

export interface HttpAppDeps {
  app: DispatchApp;
  tokens: BearerTokens;
  apiKeys: ApiKeyStore;
  health: DependencyHealth;
  handleMetrics: RequestListener;
  logger: Logger;
  evidenceMaxBytes: number;
}

/**
 * REST for staff, Open311 for the public, probes and metrics — on one listener. Built apart from listening:
 * `main.ts` binds it. Domain errors map to HTTP through the one mapping in @ecogrid/domain-errors.
 */
export function createHttpApp(deps: HttpAppDeps): RequestListener {
  const logger = deps.logger.child({ module: 'http' });
  const routes: Route[] = [
    route('GET', '/healthz', async (_request, response) => sendJson(response, 200, { status: 'alive' })),
    route('GET', '/readyz', async (_request, response) => {
      const report = await deps.health.report();
      sendJson(response, report.status === 'healthy' ? 200 : 503, report);
    }),
    route('GET', '/metrics', async (request, response) => deps.handleMetrics(request, response)),
    ...staffRoutes(deps.app, deps.tokens, { evidenceMaxBytes: deps.evidenceMaxBytes }),
    ...open311Routes(deps.app, deps.apiKeys),
  ];

  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://dispatch.local');
    const candidates = routes.filter((candidate) => candidate.pattern.test(url.pathname));
    const matched = candidates.find((candidate) => candidate.method === request.method);
    const handle = async (): Promise<void> => {
      if (!matched) {
        if (candidates.length > 0) return sendJson(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', reason: 'method_not_allowed', message: `${request.method} is not allowed here` } });
        return sendJson(response, 404, { error: { code: 'NOT_FOUND', reason: 'no_route', message: `no route ${request.method} ${url.pathname}` } });
      }
      const params = (matched.pattern.exec(url.pathname) ?? []).slice(1);
      return matched.handle(request, response, params, url);
    };
    handle().catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (isDomainError(error)) {
        sendJson(response, httpStatusOf(error), {
          error: { code: error.code, reason: error.reason ?? null, message: error.message, ...(error.field ? { field: error.field } : {}) },
        });
        return;
      }
      logger.error({ err: error, method: request.method, path: url.pathname }, 'request failed');
      sendJson(response, 500, { error: { code: 'INTERNAL', reason: 'internal', message: 'internal error' } });
    });
  };
}
