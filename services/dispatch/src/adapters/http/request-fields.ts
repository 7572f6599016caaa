import type { Request } from 'express';
import type { RequestHandler } from 'express';
import { DomainError, RequestError } from '@ecogrid/domain-errors';

/** The query string as URLSearchParams: the first value of a repeated name, as every route here expects. */
export function queryOf(request: Request): URLSearchParams {
  const index = request.originalUrl.indexOf('?');
  return new URLSearchParams(index < 0 ? '' : request.originalUrl.slice(index + 1));
}

/** A path parameter, already percent-decoded by the router. */
export function paramOf(request: Request, name: string): string {
  const value = (request.params as Record<string, string | undefined>)[name];
  return value ?? '';
}

export const optionalString = (body: Record<string, unknown>, field: string): string | undefined => {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new DomainError('INVALID_ARGUMENT', `${field} must be a string`, { reason: 'invalid_field', field });
  return value;
};

export const optionalNumber = (value: unknown, field: string): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) throw new DomainError('INVALID_ARGUMENT', `${field} must be a number`, { reason: 'invalid_field', field });
  return number;
};

export const optionalDate = (value: unknown, field: string): Date | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new DomainError('INVALID_ARGUMENT', `${field} must be an ISO 8601 timestamp`, { reason: 'invalid_field', field });
  // A timestamp without an offset is ambiguous between UTC and local time: refuse it.
  if (!/T.*(Z|[+-]\d{2}:?\d{2})$/.test(value)) throw new DomainError('INVALID_ARGUMENT', `${field} must carry a time zone (Z or ±hh:mm)`, { reason: 'invalid_field', field });
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new DomainError('INVALID_ARGUMENT', `${field} is not a valid timestamp`, { reason: 'invalid_field', field });
  // RFC 3339 years only: JavaScript takes ±275760, PostgreSQL refuses what lies before 4713 BC.
  if (date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) throw new DomainError('INVALID_ARGUMENT', `${field} lies outside the years 1 to 9999`, { reason: 'invalid_field', field });
  return date;
};

/** PostgreSQL text cannot hold U+0000; refused at the edge, with its own code, instead of failing in the database. */
export const NUL_REFUSAL = (): RequestError => new RequestError(400, 'invalid_characters', 'the request contains a NUL character (U+0000), which no field accepts');

export function refuseNul(values: Iterable<string>): void {
  for (const value of values) if (value.includes('\u0000')) throw NUL_REFUSAL();
}

/** Before every route: a path or query with an encoded NUL (%00) is refused. */
export const refuseNulInUrl: RequestHandler = (request, _response, next) => {
  if (/%00/i.test(request.originalUrl)) throw NUL_REFUSAL();
  next();
};
