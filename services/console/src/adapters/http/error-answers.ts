import type { ErrorRequestHandler } from 'express';
import { metrics } from '@opentelemetry/api';
import { httpErrorOf, platformErrorBody } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';

const meter = metrics.getMeter('@ecogrid/console');
const refusals = meter.createCounter('console_http_refusals_total', { description: 'API requests answered with an error, by code' });

/** Errors answered through the platform's one mapping (`@ecogrid/domain-errors`): `{ error: { code, message } }`, counted by code. */
export function errorAnswers(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _request, response, _next) => {
    const answer = httpErrorOf(error);
    if (answer.internal) logger.error({ err: error }, 'request failed');
    refusals.add(1, { code: answer.code });
    if (response.headersSent) return void response.end();
    response.status(answer.status).json(platformErrorBody(answer));
  };
}
