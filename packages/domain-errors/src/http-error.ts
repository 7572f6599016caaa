import { isDomainError, type DomainErrorCode } from './domain-error';

/**
 * A request refused before it reaches a use case: too large, of a type the route does not read, not JSON, no such
 * route. HTTP alone has these, so the status is the HTTP one; the code is as stable as a domain error's.
 */
export class RequestError extends Error {
  readonly field: string | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options: { field?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RequestError';
    this.field = options.field;
  }
}

/** What an HTTP error answer says, whatever the HTTP library: one mapping, rendered in the shape a route speaks. */
export interface HttpError {
  status: number;
  /** Stable, lower-case: a domain error's reason (`stale_version`, `invalid_api_key`), else its code in lower case. */
  code: string;
  message: string;
  field?: string;
  /** Not the caller's fault: the message is generic and the error itself belongs in the log. */
  internal: boolean;
}

/** The platform's error body: `{ "error": { "code", "message", "field"? } }`. */
export interface PlatformErrorBody {
  error: { code: string; message: string; field?: string };
}

/** Open311 GeoReport v2's error body: an array of `{ code: <HTTP status>, description }`. */
export type Open311ErrorBody = Array<{ code: number; description: string }>;

const HTTP_STATUS: Record<DomainErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** The HTTP status of any error: a domain error's own code, anything else 500. */
export function httpStatusOf(error: unknown): number {
  return isDomainError(error) ? HTTP_STATUS[error.code] : HTTP_STATUS.INTERNAL;
}

/** Codes of the errors HTTP libraries raise themselves (the `http-errors` convention: `status`, `expose`, `type`). */
const LIBRARY_ERROR_CODES: Record<string, string> = {
  'entity.too.large': 'body_too_large',
  'entity.parse.failed': 'invalid_json',
  'entity.verify.failed': 'invalid_body',
  'request.aborted': 'request_aborted',
  'request.size.invalid': 'body_length_mismatch',
  'encoding.unsupported': 'unsupported_encoding',
  'charset.unsupported': 'unsupported_charset',
  'parameters.too.many': 'too_many_parameters',
};

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'body_too_large',
  415: 'unsupported_media_type',
};

interface LibraryError {
  status: number;
  expose: true;
  message: string;
  type?: unknown;
}

function isLibraryClientError(error: unknown): error is LibraryError {
  if (typeof error !== 'object' || error === null) return false;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true;
}

const INTERNAL: HttpError = { status: 500, code: 'internal', message: 'internal error', internal: true };

/**
 * The one mapping from an error to an HTTP answer. Domain errors keep their message and field; refused requests and
 * the client errors HTTP libraries raise keep their status; anything else is a 500 that says nothing of its cause
 * (raw error text can carry SQL, addresses or personal data).
 */
export function httpErrorOf(error: unknown): HttpError {
  if (isDomainError(error)) {
    if (error.code === 'INTERNAL') return INTERNAL;
    return {
      status: HTTP_STATUS[error.code],
      code: error.reason ?? error.code.toLowerCase(),
      message: error.message,
      ...(error.field ? { field: error.field } : {}),
      internal: false,
    };
  }
  if (error instanceof RequestError) {
    return { status: error.status, code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), internal: false };
  }
  if (isLibraryClientError(error)) {
    const code = (typeof error.type === 'string' ? LIBRARY_ERROR_CODES[error.type] : undefined) ?? STATUS_CODES[error.status] ?? `http_${error.status}`;
    return { status: error.status, code, message: error.message, internal: false };
  }
  return INTERNAL;
}

/** The platform's shape of an HTTP error. */
export function platformErrorBody(error: HttpError): PlatformErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
}

/**
 * The same error as Open311 GeoReport v2 says it. The spec knows 400 (any service error), 403 (the api_key) and 404:
 * a missing credential is its 403, a conflict its 400; every other status stays as the one mapping gave it.
 */
export function open311Error(error: HttpError): { status: number; body: Open311ErrorBody } {
  const status = error.status === 401 ? 403 : error.status === 409 ? 400 : error.status;
  return { status, body: [{ code: status, description: error.message }] };
}
