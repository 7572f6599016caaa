import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError } from '@ecogrid/domain-errors';

export class BodyTooLarge extends DomainError {
  constructor(limit: number) {
    super('INVALID_ARGUMENT', `the body exceeds ${limit} bytes`, { reason: 'body_too_large' });
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Reads the whole body, refusing more than `limit` bytes without buffering them. */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) {
      request.resume();
      reject(new BodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        request.resume();
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

export async function readJson(request: IncomingMessage, limit = 1024 * 1024): Promise<Record<string, unknown>> {
  const raw = await readBody(request, limit);
  if (raw.length === 0) return {};
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new DomainError('INVALID_ARGUMENT', 'the body is not valid JSON', { reason: 'invalid_json' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new DomainError('INVALID_ARGUMENT', 'the body must be a JSON object', { reason: 'invalid_json' });
  return body as Record<string, unknown>;
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
  return date;
};

export interface Route {
  method: string;
  pattern: RegExp;
  handle(request: IncomingMessage, response: ServerResponse, params: string[], url: URL): Promise<void>;
}

/** `/v1/cases/:id` → a regexp with one capture per `:name`. */
export function route(method: string, path: string, handle: Route['handle']): Route {
  const pattern = new RegExp(`^${path.replace(/\./g, '\\.').replace(/:[a-z_]+/g, '([^/]+)')}$`);
  return { method, pattern, handle };
}
