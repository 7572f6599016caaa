/**
 * Domain errors with stable codes. Domain and use-case code throws these; each transport maps the code
 * to its status in exactly one place (`grpcStatusOf`, `httpStatusOf`). Pure: no transport library here.
 */
export type DomainErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL';

export interface DomainErrorOptions {
  /** A finer stable reason for machines, e.g. "bad_uscc", "stale_version". */
  reason?: string;
  /** Path of the input field at fault, e.g. "measurements[2].factor_code". */
  field?: string;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly reason: string | undefined;
  readonly field: string | undefined;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.reason = options.reason;
    this.field = options.field;
  }
}

export const invalidArgument = (field: string, message: string, reason = 'invalid_field'): DomainError =>
  new DomainError('INVALID_ARGUMENT', message, { field, reason });
export const notFound = (what: string, id: string): DomainError =>
  new DomainError('NOT_FOUND', `${what} ${id} not found`, { reason: 'not_found' });
export const failedPrecondition = (message: string, reason = 'conflict'): DomainError =>
  new DomainError('FAILED_PRECONDITION', message, { reason });

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** gRPC status numbers (fixed by the gRPC spec), so this module needs no gRPC library. */
const GRPC_STATUS: Record<DomainErrorCode, number> = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
};

/** The gRPC status of any error: a domain error's own code, anything else INTERNAL. */
export function grpcStatusOf(error: unknown): number {
  return isDomainError(error) ? GRPC_STATUS[error.code] : GRPC_STATUS.INTERNAL;
}
