import type { ServiceDefinition } from '@grpc/grpc-js';
import { DomainError } from '@ecogrid/domain-errors';

/** What a method receives in place of a request whose bytes did not decode. */
const MALFORMED: unique symbol = Symbol('malformed request');

/**
 * The definition with request decoding that cannot throw: grpc-js answers a request it cannot decode with
 * INTERNAL, which tells the caller nothing and reads as our fault. With this, the method gets a marker instead,
 * and `unaryHandler` (or a streaming handler through `isMalformedRequest`) refuses it with INVALID_ARGUMENT
 * `malformed_message`.
 */
export function refuseMalformedRequests<Definition extends ServiceDefinition>(definition: Definition): Definition {
  return Object.fromEntries(
    Object.entries(definition).map(([name, method]) => [
      name,
      {
        ...method,
        requestDeserialize: (bytes: Buffer): unknown => {
          try {
            return method.requestDeserialize(bytes);
          } catch {
            return MALFORMED;
          }
        },
      },
    ]),
  ) as Definition;
}

export function isMalformedRequest(request: unknown): boolean {
  return request === MALFORMED;
}

export function malformedRequestError(): DomainError {
  return new DomainError('INVALID_ARGUMENT', 'the request message could not be decoded', { reason: 'malformed_message' });
}

/**
 * Whether any text in the decoded request holds a NUL (U+0000). Protobuf strings may carry one, but no field of
 * ours accepts it and PostgreSQL's text cannot store it (an insert or a query with one fails as an internal error),
 * so the shared handler refuses it up front, the same way for every service.
 */
export function hasNulCharacter(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNulCharacter);
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) return Object.values(value).some(hasNulCharacter);
  return false;
}

export function nulCharacterError(): DomainError {
  return new DomainError('INVALID_ARGUMENT', 'the request contains a NUL character (U+0000), which no field accepts', { reason: 'invalid_characters' });
}
