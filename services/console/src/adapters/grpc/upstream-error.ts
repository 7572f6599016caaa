import { status as GrpcCode, type ServiceError } from '@grpc/grpc-js';
import { DomainError, type DomainErrorCode } from '@ecogrid/domain-errors';

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error;
}

/** The codes a service's refusal keeps on its way to the browser; anything else is the console's internal error. */
const PASSED_ON: ReadonlySet<string> = new Set(['INVALID_ARGUMENT', 'UNAUTHENTICATED', 'PERMISSION_DENIED', 'NOT_FOUND', 'ALREADY_EXISTS', 'FAILED_PRECONDITION', 'ABORTED', 'RESOURCE_EXHAUSTED', 'UNAVAILABLE', 'DEADLINE_EXCEEDED']);

/**
 * A gRPC refusal from a service the console called, as the platform's domain error: same code, the service's reason
 * (`ecogrid-reason`, e.g. `stale_version`) and message, so `@ecogrid/domain-errors` maps it to HTTP like any other.
 */
export function upstreamError(error: unknown): DomainError {
  if (!isServiceError(error)) return new DomainError('INTERNAL', 'a service did not answer as expected', { cause: error });
  const name = GrpcCode[error.code];
  if (!name || !PASSED_ON.has(name)) return new DomainError('INTERNAL', 'a service did not answer as expected', { cause: error });
  const reason = error.metadata.get('ecogrid-reason')[0]?.toString();
  return new DomainError(name as DomainErrorCode, error.details, reason ? { reason } : {});
}
