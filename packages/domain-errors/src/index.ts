export {
  DomainError,
  failedPrecondition,
  grpcStatusOf,
  invalidArgument,
  isDomainError,
  notFound,
  type DomainErrorCode,
  type DomainErrorOptions,
} from './domain-error';
export {
  httpErrorOf,
  httpStatusOf,
  open311Error,
  platformErrorBody,
  RequestError,
  type HttpError,
  type Open311ErrorBody,
  type PlatformErrorBody,
} from './http-error';
