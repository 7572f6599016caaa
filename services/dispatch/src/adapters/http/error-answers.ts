import type { ErrorRequestHandler, RequestHandler } from 'express';
import { httpErrorOf, open311Error, platformErrorBody, RequestError } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';

/** The shapes an error answer takes here: the platform's, or Open311 GeoReport v2's; both from the one mapping. */
export type ErrorShape = 'platform' | 'open311';

/**
 * The last handler of a router: every error a route throws is answered through `httpErrorOf`, in the route's shape.
 * Only what is not the caller's fault is logged, with the error; the answer never carries its text.
 */
export function answerErrors(shape: ErrorShape, logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    const mapped = httpErrorOf(badPathEncoding(error) ? new RequestError(400, 'invalid_path_encoding', 'the path is not valid percent-encoding') : error);
    if (mapped.internal) logger.error({ err: error, method: request.method, path: `${request.baseUrl}${request.path}` }, 'request failed');
    if (response.headersSent) {
      // Half an answer cannot be taken back: end the connection so the client sees the failure.
      response.destroy();
      return;
    }
    if (shape === 'open311') {
      const { status, body } = open311Error(mapped);
      response.status(status).json(body);
      return;
    }
    response.status(mapped.status).json(platformErrorBody(mapped));
  };
}

/** The router's own refusal of a path parameter that does not percent-decode (`%ZZ`): a 400 it does not mark as exposable. */
function badPathEncoding(error: unknown): boolean {
  return error instanceof URIError && (error as { status?: unknown }).status === 400;
}

/** For a path whose other methods are served: 405 with the `Allow` header. */
export function refuseOtherMethods(allowed: readonly string[]): RequestHandler {
  return (request, response) => {
    response.setHeader('allow', allowed.join(', '));
    throw new RequestError(405, 'method_not_allowed', `${request.method} is not allowed here; use ${allowed.join(' or ')}`);
  };
}

/** After every route: nothing here answers this path. */
export const noRoute: RequestHandler = (request) => {
  throw new RequestError(404, 'no_route', `no route ${request.method} ${request.baseUrl}${request.path}`);
};
