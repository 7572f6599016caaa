import { describe, expect, it } from 'vitest';
import { DomainError, failedPrecondition, grpcStatusOf, httpStatusOf, invalidArgument, notFound } from './index';

describe('domain error mapping', () => {
  it.each([
    [invalidArgument('mn', 'mn is required'), 3, 400],
    [notFound('device', 'MN1'), 5, 404],
    [failedPrecondition('case version 3 is stale'), 9, 409],
    [new DomainError('UNAUTHENTICATED', 'wrong password'), 16, 401],
    [new DomainError('RESOURCE_EXHAUSTED', 'rate limited'), 8, 429],
    [new DomainError('UNAVAILABLE', 'kafka down'), 14, 503],
  ])('maps %s to gRPC %i and HTTP %i', (error, grpc, http) => {
    expect(grpcStatusOf(error)).toBe(grpc);
    expect(httpStatusOf(error)).toBe(http);
  });

  it('treats anything that is not a domain error as internal, never leaking it as a client error', () => {
    expect(grpcStatusOf(new TypeError('x is undefined'))).toBe(13);
    expect(httpStatusOf('boom')).toBe(500);
  });

  it('keeps the field at fault and a stable reason', () => {
    const error = invalidArgument('measurements[1].factor_code', 'unknown factor code a99999', 'unknown_factor');
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'measurements[1].factor_code', reason: 'unknown_factor' });
  });
});
