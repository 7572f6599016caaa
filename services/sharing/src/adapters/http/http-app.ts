import express, { type Express } from 'express';
import helmet from 'helmet';
import { isDomainError } from '@ecogrid/domain-errors';
import type { TokenVerifier } from '@ecogrid/staff-auth';
import type { Logger } from '@ecogrid/telemetry';
import type { SharingApp } from '../../app';
import { adminRoutes } from './admin-routes';
import { authenticate } from './authenticate';
import { answerErrors, noRoute } from './error-answers';
import { OPENAPI_DOCUMENT } from './openapi';
import { isPullRequest, partnerRoutes } from './partner-routes';
import { webhookRoutes } from './webhook-routes';

export interface HttpAppDeps {
  app: SharingApp;
  staffTokens: TokenVerifier;
  logger: Logger;
}

/** RFC 6749 §5.2 error answers for the token endpoint (it speaks OAuth's shape, not the platform's). */
const oauthError = (error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type', description: string) => ({ error, error_description: description });

/**
 * The partner surface on express 5: helmet headers, the OpenAPI document, the client-credentials token endpoint,
 * then every other route behind authentication (partners admitted against their per-second quota), errors through
 * the one mapping. Built apart from listening: main.ts binds it.
 */
export function createHttpApp(deps: HttpAppDeps): Express {
  const logger = deps.logger.child({ module: 'http' });
  const http = express();
  http.disable('x-powered-by');
  http.disable('etag');
  http.set('strict routing', true);
  http.set('case sensitive routing', true);
  http.use(helmet());

  http.get('/openapi.json', (_request, response) => {
    response.json(OPENAPI_DOCUMENT);
  });

  http.post('/oauth/token', express.urlencoded({ extended: false, limit: '8kb' }), express.json({ limit: '8kb' }), async (request, response) => {
    response.setHeader('cache-control', 'no-store');
    const form = (request.body ?? {}) as Record<string, unknown>;
    let clientId = typeof form.client_id === 'string' ? form.client_id : undefined;
    let clientSecret = typeof form.client_secret === 'string' ? form.client_secret : undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (basic) {
      const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
    }
    if (form.grant_type !== 'client_credentials') {
      response.status(400).json(oauthError('unsupported_grant_type', 'only client_credentials is supported'));
      return;
    }
    if (!clientId || !clientSecret) {
      response.status(400).json(oauthError('invalid_request', 'client_id and client_secret are required'));
      return;
    }
    try {
      const { token, expiresInSeconds } = await deps.app.authenticate.issueToken(clientId, clientSecret);
      response.json({ access_token: token, token_type: 'Bearer', expires_in: expiresInSeconds });
    } catch (error) {
      if (isDomainError(error) && error.code === 'UNAUTHENTICATED') {
        response.status(401).json(oauthError('invalid_client', error.message));
        return;
      }
      throw error;
    }
  });

  http.use(authenticate(deps.app, deps.staffTokens, { confirmedLater: isPullRequest }));
  http.use(express.json({ limit: '64kb' }));
  http.use(partnerRoutes(deps.app));
  http.use(webhookRoutes(deps.app));
  http.use(adminRoutes(deps.app));
  http.use(noRoute);
  http.use(answerErrors(logger));
  return http;
}
