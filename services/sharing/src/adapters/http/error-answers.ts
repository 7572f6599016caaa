import type { ErrorRequestHandler, RequestHandler } from 'express';
import { httpErrorOf, platformErrorBody, RequestError } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';
import { QuotaExceeded } from '../../domain/quota';

/**
 * Every error through the one mapping of @ecogrid/domain-errors; a spent quota also says when to come back
 * (`Retry-After`), and a missing credential how to authenticate (`WWW-Authenticate`).
 */
export function answerErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    const mapped = httpErrorOf(error);
    if (mapped.internal) logger.error({ err: error, method: request.method, path: `${request.baseUrl}${request.path}` }, 'request failed');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (error instanceof QuotaExceeded) response.setHeader('retry-after', String(error.retryAfterSeconds));
    if (mapped.status === 401) response.setHeader('www-authenticate', 'Bearer realm="ecogrid-sharing", ApiKey realm="ecogrid-sharing"');
    response.status(mapped.status).json(platformErrorBody(mapped));
  };
}

export const noRoute: RequestHandler = (request) => {
  throw new RequestError(404, 'no_route', `no route ${request.method} ${request.baseUrl}${request.path}`);
};
