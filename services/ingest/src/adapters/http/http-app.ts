import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { metrics } from '@opentelemetry/api';
import type { Logger } from '@ecogrid/telemetry';
import type { SubmitObservations } from '../../app/submit-observations';
import type { SubmitterAuthenticator } from '../auth/submitter-authenticator';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_BATCH = 1_000;

const meter = metrics.getMeter('@ecogrid/ingest');
const observationsIn = meter.createCounter('ingest_observations_total', { description: 'Observations received, by source and outcome' });

export interface HttpAppDeps {
  submitObservations: SubmitObservations;
  authenticator: SubmitterAuthenticator;
  logger: Logger;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new HttpProblem(413, 'body_too_large', `the body exceeds ${MAX_BODY_BYTES} bytes`));
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpProblem(413, 'body_too_large', `the body exceeds ${MAX_BODY_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** A single refused observation: bad input is 400, a device that may not submit is 403. */
function statusOfRefusal(reason: string | undefined): number {
  return reason === 'wrong_password' || reason === 'unknown_device' || reason === 'device_disabled' ? 403 : 400;
}

/** Accepts one observation object, or `{ "observations": [...] }` for a batch. */
function itemsOf(body: unknown): { items: unknown[]; batch: boolean } {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'observations' in body) {
    const observations = (body as { observations: unknown }).observations;
    if (!Array.isArray(observations) || observations.length === 0) {
      throw new HttpProblem(400, 'invalid_body', 'observations must be a non-empty array', 'observations');
    }
    if (observations.length > MAX_BATCH) throw new HttpProblem(400, 'batch_too_large', `at most ${MAX_BATCH} observations per request`, 'observations');
    return { items: observations, batch: true };
  }
  return { items: [body], batch: false };
}

/**
 * The device edge over HTTP (probes and metrics are on the admin listener). Built apart from listening:
 * `main.ts` binds it, tests may too.
 * 202 means every accepted observation is on Kafka (acks=all). A single observation that fails validation
 * gets 400 with the field at fault; a batch gets per-item results, 202 when any item was accepted.
 */
export function createHttpApp(deps: HttpAppDeps): RequestListener {
  const logger = deps.logger.child({ module: 'http' });

  const postObservations = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const devicePassword = request.headers['x-device-password'];
    const submitter = deps.authenticator.authenticate({
      authorization: request.headers.authorization,
      devicePassword: Array.isArray(devicePassword) ? devicePassword[0] : devicePassword,
    });
    if (!submitter) {
      response.setHeader('www-authenticate', 'Bearer realm="ecogrid-ingest"');
      throw new HttpProblem(401, 'unauthenticated', 'send a gateway token (Authorization: Bearer …) or the device password (X-Device-Password)');
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      throw new HttpProblem(415, 'unsupported_media_type', 'send application/json');
    }
    const raw = await readBody(request);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpProblem(400, 'invalid_json', 'the body is not valid JSON');
    }
    const { items, batch } = itemsOf(body);
    const remoteAddress = request.socket.remoteAddress;
    const results = await deps.submitObservations(items, {
      source: 'http',
      submitter,
      ...(batch ? { path: 'observations' } : {}),
      ...(remoteAddress === undefined ? {} : { remoteAddress }),
    });
    const acceptedCount = results.filter((result) => result.accepted).length;
    observationsIn.add(acceptedCount, { source: 'http', outcome: 'accepted' });
    observationsIn.add(results.length - acceptedCount, { source: 'http', outcome: 'rejected' });
    const rendered = results.map((result) =>
      result.accepted
        ? { index: result.index, accepted: true, observationId: result.observationId, duplicate: result.duplicate ?? false }
        : { index: result.index, accepted: false, reason: result.problem?.reason, field: result.problem?.field, message: result.problem?.message },
    );
    if (!batch) {
      const [only] = results;
      if (only?.accepted) send(response, 202, { accepted: true, observationId: only.observationId, duplicate: only.duplicate ?? false });
      else send(response, statusOfRefusal(only?.problem?.reason), { error: { reason: only?.problem?.reason, field: only?.problem?.field, message: only?.problem?.message } });
      return;
    }
    send(response, acceptedCount > 0 ? 202 : 400, { accepted: acceptedCount, rejected: results.length - acceptedCount, results: rendered });
  };

  return (request, response) => {
    const url = request.url ?? '/';
    const path = url.split('?')[0];
    const route = `${request.method ?? 'GET'} ${path}`;
    const handle = async (): Promise<void> => {
      switch (route) {
        case 'POST /v1/observations':
          return postObservations(request, response);
        default:
          throw new HttpProblem(404, 'not_found', `no route ${route}`);
      }
    };
    handle().catch((error: unknown) => {
      if (error instanceof HttpProblem) {
        send(response, error.status, { error: { reason: error.reason, message: error.message, ...(error.field ? { field: error.field } : {}) } });
        return;
      }
      // Kafka could not take the data: the client must retry, so say unavailable rather than accepted.
      logger.error({ err: error, route }, 'request failed');
      send(response, 503, { error: { reason: 'unavailable', message: 'the observation could not be stored; retry later' } });
    });
  };
}
