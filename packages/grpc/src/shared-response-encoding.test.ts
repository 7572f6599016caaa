import { describe, expect, it } from 'vitest';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { withSharedResponseEncoding } from './shared-response-encoding';

interface Answer {
  text: string;
}

/** A definition whose encoder counts its calls, so the test sees which answers were encoded again. */
function definition(): { service: ServiceDefinition; encodes: () => number } {
  let count = 0;
  const method = (path: string): MethodDefinition<Answer, Answer> => ({
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value) => Buffer.from(value.text),
    requestDeserialize: (bytes) => ({ text: bytes.toString() }),
    responseSerialize: (value) => {
      count += 1;
      return Buffer.from(value.text);
    },
    responseDeserialize: (bytes) => ({ text: bytes.toString() }),
  });
  return { service: { shared: method('/t.S/Shared'), fresh: method('/t.S/Fresh') }, encodes: () => count };
}

describe('withSharedResponseEncoding', () => {
  it('encodes a response object once and answers the same bytes for it again', () => {
    const { service, encodes } = definition();
    const wrapped = withSharedResponseEncoding(service, ['shared']);
    const answer: Answer = { text: 'cell 1' };
    const first = wrapped.shared?.responseSerialize(answer);
    const second = wrapped.shared?.responseSerialize(answer);
    expect(first?.toString()).toBe('cell 1');
    expect(second).toBe(first);
    expect(encodes()).toBe(1);
  });

  it('encodes a different object (a changed entity is a new object) apart, even when it is equal', () => {
    const { service, encodes } = definition();
    const wrapped = withSharedResponseEncoding(service, ['shared']);
    expect(wrapped.shared?.responseSerialize({ text: 'cell 1' }).toString()).toBe('cell 1');
    expect(wrapped.shared?.responseSerialize({ text: 'cell 1 v2' }).toString()).toBe('cell 1 v2');
    expect(encodes()).toBe(2);
  });

  it('leaves other methods and the original definition as they were', () => {
    const { service, encodes } = definition();
    const wrapped = withSharedResponseEncoding(service, ['shared']);
    const answer: Answer = { text: 'x' };
    wrapped.fresh?.responseSerialize(answer);
    wrapped.fresh?.responseSerialize(answer);
    service.shared?.responseSerialize(answer);
    service.shared?.responseSerialize(answer);
    expect(encodes()).toBe(4);
    expect(wrapped.fresh).toBe(service.fresh);
    expect(wrapped.shared?.path).toBe('/t.S/Shared');
  });

  it('refuses a method the service does not have', () => {
    expect(() => withSharedResponseEncoding(definition().service, ['missing'])).toThrow(/no method missing/);
  });
});
