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
