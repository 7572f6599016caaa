import { status as GrpcCode, type ServiceError } from '@grpc/grpc-js';

/** A refusal from a service the console called, carried to the browser with its HTTP status and reason. */
export class UpstreamError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error;
}

const HTTP_OF: Partial<Record<GrpcCode, number>> = {
  [GrpcCode.INVALID_ARGUMENT]: 400,
  [GrpcCode.UNAUTHENTICATED]: 401,
  [GrpcCode.PERMISSION_DENIED]: 403,
  [GrpcCode.NOT_FOUND]: 404,
  [GrpcCode.ABORTED]: 409,
  [GrpcCode.FAILED_PRECONDITION]: 409,
  [GrpcCode.ALREADY_EXISTS]: 409,
  [GrpcCode.RESOURCE_EXHAUSTED]: 429,
  [GrpcCode.UNAVAILABLE]: 503,
  [GrpcCode.DEADLINE_EXCEEDED]: 504,
};

/** Maps a gRPC error to an UpstreamError; anything unknown is a 502 without the service's text. */
export function upstreamError(error: unknown): UpstreamError {
  if (!isServiceError(error)) return new UpstreamError(502, 'upstream_failed', 'a service did not answer as expected');
  const reason = error.metadata.get('ecogrid-reason')[0]?.toString();
  const httpStatus = HTTP_OF[error.code] ?? 502;
  const code = reason ?? GrpcCode[error.code]?.toLowerCase() ?? 'upstream_failed';
  return new UpstreamError(httpStatus, code, httpStatus === 502 ? 'a service did not answer as expected' : error.details);
}
