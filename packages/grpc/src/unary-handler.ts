import { Metadata, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { metrics } from '@opentelemetry/api';
import { grpcStatusOf, isDomainError } from '@ecogrid/domain-errors';
import { SECONDS_BUCKETS, type Logger } from '@ecogrid/telemetry';
import { hasNulCharacter, isMalformedRequest, malformedRequestError, nulCharacterError } from './malformed-requests';

const meter = metrics.getMeter('@ecogrid/grpc');
// instrumentation-grpc emits spans but no RPC metrics, so the duration histogram is recorded here.
const callDuration = meter.createHistogram('rpc.server.call.duration', {
  unit: 's',
  description: 'Duration of gRPC server calls',
  advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
});

/**
 * Turns any thrown error into a gRPC ServiceError: domain errors keep their code, message, reason and field
 * (as `ecogrid-reason` / `ecogrid-field` trailers); anything else becomes INTERNAL with a generic message,
 * logged with its stack, never sent to the caller.
 */
export function toServiceError(error: unknown, logger: Logger, method: string): Partial<ServiceError> {
  const code = grpcStatusOf(error);
  const metadata = new Metadata();
  if (isDomainError(error)) {
    if (error.reason) metadata.set('ecogrid-reason', error.reason);
    if (error.field) metadata.set('ecogrid-field', error.field);
    return { code, details: error.message, metadata };
  }
  logger.error({ err: error, method }, 'unexpected error in gRPC handler');
  return { code, details: 'internal error', metadata };
}

/**
 * Adapts an async use case to a grpc-js unary handler, with error mapping and the duration metric. Requests
 * that did not decode, or that carry a NUL character, are refused before the use case sees them.
 */
export function unaryHandler<Request, Response>(
  method: string,
  logger: Logger,
  handle: (request: Request, call: ServerUnaryCall<Request, Response>) => Promise<Response>,
): (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => void {
  return (call, callback) => {
    const started = performance.now();
    const handled = isMalformedRequest(call.request)
      ? Promise.reject(malformedRequestError())
      : hasNulCharacter(call.request)
        ? Promise.reject(nulCharacterError())
        : handle(call.request, call);
    handled.then(
      (response) => {
        callDuration.record((performance.now() - started) / 1000, { 'rpc.method': method, 'rpc.response.status_code': 'OK' });
        callback(null, response);
      },
      (error: unknown) => {
        const serviceError = toServiceError(error, logger, method);
        callDuration.record((performance.now() - started) / 1000, { 'rpc.method': method, 'rpc.response.status_code': String(serviceError.code) });
        callback(serviceError, null);
      },
    );
  };
}
