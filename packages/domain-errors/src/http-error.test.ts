import { describe, expect, it } from 'vitest';
import { DomainError, failedPrecondition, invalidArgument, notFound } from './domain-error';
import { httpErrorOf, open311Error, platformErrorBody, RequestError } from './http-error';

describe('the one HTTP error mapping', () => {
  it('gives a domain error its status, its reason as the stable code, its message and its field', () => {
    const error = invalidArgument('location.lon', 'location.lon must be a number');
    expect(httpErrorOf(error)).toEqual({ status: 400, code: 'invalid_field', message: 'location.lon must be a number', field: 'location.lon', internal: false });
    expect(platformErrorBody(httpErrorOf(error))).toEqual({ error: { code: 'invalid_field', message: 'location.lon must be a number', field: 'location.lon' } });
  });

  it('keeps the plain explanation of a lost optimistic-concurrency race as 409 stale_version', () => {
    const error = new DomainError('ABORTED', 'case YH-1 is at version 4, not 3: someone acted first; reload it', { reason: 'stale_version' });
    expect(platformErrorBody(httpErrorOf(error))).toEqual({ error: { code: 'stale_version', message: 'case YH-1 is at version 4, not 3: someone acted first; reload it' } });
    expect(httpErrorOf(error).status).toBe(409);
  });

  it('uses the lower-case domain code when a domain error has no finer reason', () => {
    expect(httpErrorOf(new DomainError('UNAUTHENTICATED', 'no token'))).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(httpErrorOf(new DomainError('UNAVAILABLE', 'retry later'))).toMatchObject({ status: 503, code: 'unavailable', message: 'retry later', internal: false });
  });

  it('keeps the status and code of a refused request', () => {
    expect(httpErrorOf(new RequestError(413, 'body_too_large', 'the body exceeds 1024 bytes'))).toEqual({ status: 413, code: 'body_too_large', message: 'the body exceeds 1024 bytes', internal: false });
  });

  it('names the client errors HTTP libraries raise by their type, and by their status otherwise', () => {
    const parse = Object.assign(new SyntaxError('Unexpected end of JSON input'), { status: 400, expose: true, type: 'entity.parse.failed' });
    expect(httpErrorOf(parse)).toMatchObject({ status: 400, code: 'invalid_json' });
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true, type: 'entity.too.large' });
    expect(httpErrorOf(tooLarge)).toMatchObject({ status: 413, code: 'body_too_large' });
    expect(httpErrorOf(Object.assign(new Error('Failed to decode param'), { status: 400, expose: true }))).toMatchObject({ status: 400, code: 'bad_request' });
    expect(httpErrorOf(Object.assign(new Error('I am a teapot'), { status: 418, expose: true }))).toMatchObject({ status: 418, code: 'http_418' });
  });

  it('says nothing of an unexpected error but that it is internal', () => {
    const leaky = new Error('connect ECONNREFUSED 10.0.0.5:5432 for user dispatch');
    expect(httpErrorOf(leaky)).toEqual({ status: 500, code: 'internal', message: 'internal error', internal: true });
    expect(httpErrorOf(new DomainError('INTERNAL', 'history row 7 of YH-1 is corrupt'))).toMatchObject({ status: 500, message: 'internal error', internal: true });
    // A library error that is not meant for the client stays internal too.
    expect(httpErrorOf(Object.assign(new Error('stream encoding should not be set'), { status: 500, expose: false }))).toMatchObject({ status: 500, code: 'internal' });
    expect(httpErrorOf('boom')).toMatchObject({ status: 500, code: 'internal' });
  });

  it('renders the same mapping in the Open311 GeoReport v2 shape, with the statuses the spec knows', () => {
    expect(open311Error(httpErrorOf(new DomainError('PERMISSION_DENIED', 'api_key was not provided or is not valid', { reason: 'invalid_api_key' })))).toEqual({
      status: 403,
      body: [{ code: 403, description: 'api_key was not provided or is not valid' }],
    });
    expect(open311Error(httpErrorOf(new DomainError('UNAUTHENTICATED', 'api_key missing'))).status).toBe(403);
    expect(open311Error(httpErrorOf(failedPrecondition('case YH-1 is closed'))).body).toEqual([{ code: 400, description: 'case YH-1 is closed' }]);
    expect(open311Error(httpErrorOf(notFound('service request', 'YH-1'))).body).toEqual([{ code: 404, description: 'service request YH-1 not found' }]);
    expect(open311Error(httpErrorOf(new RequestError(413, 'body_too_large', 'too large'))).status).toBe(413);
    expect(open311Error(httpErrorOf(new Error('secret'))).body).toEqual([{ code: 500, description: 'internal error' }]);
  });
});
