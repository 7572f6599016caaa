import type { ErrorRequestHandler } from 'express';
import { metrics } from '@opentelemetry/api';
import type { Logger } from '@ecogrid/telemetry';
import { LoginRefused, NotForThisRole } from '../../app';
import { UpstreamError } from '../grpc/upstream-error';

const meter = metrics.getMeter('@ecogrid/console');
const refusals = meter.createCounter('console_http_refusals_total', { description: 'API requests answered with an error, by code' });

/** A bad request to the console itself, with a stable code. */
export class BadRequest extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'BadRequest';
  }
}

/** One mapping from thrown errors to `{ error: { code, message } }`; unknown errors are logged and answered 500 without detail. */
export function errorAnswers(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _request, response, _next) => {
    let status = 500;
    let code = 'internal';
    let message = 'internal error';
    if (error instanceof UpstreamError || error instanceof BadRequest) {
      status = error instanceof UpstreamError ? error.httpStatus : error.status;
      code = error.code;
      message = error.message;
    } else if (error instanceof NotForThisRole) {
      status = 403;
      code = error.code;
      message = error.message;
    } else if (error instanceof LoginRefused) {
      status = 401;
      code = error.code;
      message = error.message;
    } else if (typeof error === 'object' && error !== null && 'type' in error && (error as { type: unknown }).type === 'entity.too.large') {
      status = 413;
      code = 'body_too_large';
      message = 'the request body is too large';
    } else if (typeof error === 'object' && error !== null && 'type' in error && (error as { type: unknown }).type === 'entity.parse.failed') {
      code = 'invalid_json';
      status = 400;
      message = 'the request body is not valid JSON';
    } else {
      logger.error({ err: error }, 'request failed');
    }
    refusals.add(1, { code });
    if (response.headersSent) return void response.end();
    response.status(status).json({ error: { code, message } });
  };
}
