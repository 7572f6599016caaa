import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { metrics } from '@opentelemetry/api';
import { DomainError, httpErrorOf, isDomainError, platformErrorBody, RequestError, type DomainErrorCode } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';
import type { SubmitObservations } from '../../app/submit-observations';
import type { SubmitterAuthenticator } from '../auth/submitter-authenticator';
import { peerAddress } from '../peer-address';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_BATCH = 1_000;

const meter = metrics.getMeter('@ecogrid/ingest');
const observationsIn = meter.createCounter('ingest_observations_total', { description: 'Observations received, by source and outcome' });

export interface HttpAppDeps {
  submitObservations: SubmitObservations;
  authenticator: SubmitterAuthenticator;
  logger: Logger;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}


/**
 * Reads the body, at most MAX_BODY_BYTES. A body declared or found larger is refused with 413 at once and the rest is
 * never read: the answer closes the connection.
 */
function readBody(request: IncomingMessage, response: ServerResponse): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const refuseTooLarge = (): void => {
      response.setHeader('connection', 'close');
      reject(new RequestError(413, 'body_too_large', `the body exceeds ${MAX_BODY_BYTES} bytes`));
    };
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      refuseTooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.off('data', onData);
        request.pause();
        refuseTooLarge();
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks, size)));
    request.on('error', reject);
  });
}

const REFUSAL_CODES: Readonly<Record<string, DomainErrorCode>> = {
  authentication_failed: 'UNAUTHENTICATED',
  unknown_device: 'PERMISSION_DENIED',
  device_disabled: 'PERMISSION_DENIED',
  rate_limited: 'RESOURCE_EXHAUSTED',
};

/**
 * A single refused observation as a domain error: failed device authentication 401 (one answer, whether the MN
 * exists or not), a device that may not submit 403, over its rate 429, bad input 400.
 */
function refusalOf(problem: { reason: string; field?: string; message: string } | undefined): DomainError {
  const reason = problem?.reason ?? 'invalid_field';
  return new DomainError(REFUSAL_CODES[reason] ?? 'INVALID_ARGUMENT', problem?.message ?? 'the observation was refused', {
    reason,
    ...(problem?.field ? { field: problem.field } : {}),
  });
}

/** Accepts one observation object, or `{ "observations": [...] }` for a batch. */
function itemsOf(body: unknown): { items: unknown[]; batch: boolean } {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'observations' in body) {
    const observations = (body as { observations: unknown }).observations;
    if (!Array.isArray(observations) || observations.length === 0) {
      throw new RequestError(400, 'invalid_body', 'observations must be a non-empty array', { field: 'observations' });
    }
    if (observations.length > MAX_BATCH) throw new RequestError(400, 'batch_too_large', `at most ${MAX_BATCH} observations per request`, { field: 'observations' });
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
      throw new RequestError(401, 'unauthenticated', 'send a gateway token (Authorization: Bearer …) or the device password (X-Device-Password)');
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      throw new RequestError(415, 'unsupported_media_type', 'send application/json');
    }
    const raw = await readBody(request, response);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new RequestError(400, 'invalid_json', 'the body is not valid JSON');
    }
    const { items, batch } = itemsOf(body);
    const remoteAddress = peerAddress(request.socket.remoteAddress);
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
        : { index: result.index, accepted: false, code: result.problem?.reason, field: result.problem?.field, message: result.problem?.message },
    );
    if (!batch) {
      const [only] = results;
      if (only?.accepted) send(response, 202, { accepted: true, observationId: only.observationId, duplicate: only.duplicate ?? false });
      else throw refusalOf(only?.problem);
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
          throw new RequestError(404, 'no_route', `no route ${route}`);
      }
    };
    handle().catch((error: unknown) => {
      let answer = httpErrorOf(error);
      if (answer.internal) {
        // Kafka could not take the data: the client must retry, so say unavailable rather than accepted.
        logger.error({ err: error, route }, 'request failed');
        answer = httpErrorOf(new DomainError('UNAVAILABLE', 'the observation could not be stored; retry later'));
      }
      if (isDomainError(error) && error.code === 'RESOURCE_EXHAUSTED') {
        // Refused at the door, to be retried: a full publisher queue is the service's state (503), a caller
        // over its rate is the caller's (429); both say when to come back.
        response.setHeader('retry-after', '1');
        if (error.reason === 'overloaded') answer = { ...answer, status: 503 };
      }
      if (answer.status === 401 && !response.hasHeader('www-authenticate')) response.setHeader('www-authenticate', 'Bearer realm="ecogrid-ingest"');
      send(response, answer.status, platformErrorBody(answer));
    });
  };
}
