import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from '@ecogrid/telemetry';
import type { DispatchApp } from '../../app';
import type { ApiKeyStore } from '../../app/ports';
import type { TokenVerifier } from '@ecogrid/staff-auth';
import { answerErrors, noRoute } from './error-answers';
import { open311Routes } from './open311-routes';
import { staffRoutes } from './staff-routes';
import { refuseNulInUrl } from './request-fields';

export interface HttpAppDeps {
  app: DispatchApp;
  verifier: TokenVerifier;
  apiKeys: ApiKeyStore;
  logger: Logger;
  evidenceMaxBytes: number;
}

/**
 * People-facing HTTP on express 5: REST for staff and Open311 GeoReport v2 for the public (probes and metrics are on
 * the admin listener). Helmet's security headers on every answer; bodies are read by the routes within their own
 * limits. Every error goes through the one mapping in @ecogrid/domain-errors, in the platform's shape or Open311's.
 * Built apart from listening: `main.ts` binds it.
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const logger = deps.logger.child({ module: 'http' });
  const http = express();
  http.disable('x-powered-by');
  // JSON answers of an API: no weak ETags computed for every body.
  http.disable('etag');
  http.set('strict routing', true);
  http.set('case sensitive routing', true);
  http.use(helmet());
  http.use('/open311/v2', open311Routes(deps.app, deps.apiKeys, logger));
  http.use(refuseNulInUrl);
  http.use(staffRoutes(deps.app, deps.verifier, { evidenceMaxBytes: deps.evidenceMaxBytes }));
  http.use(noRoute);
  http.use(answerErrors('platform', logger));
  return http;
}
