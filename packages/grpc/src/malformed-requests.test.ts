import { describe, expect, it } from 'vitest';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { isMalformedRequest, refuseMalformedRequests } from './malformed-requests';

const definition = {
  echo: {
    path: '/test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: { text: string }) => Buffer.from(value.text),
    requestDeserialize: (bytes: Buffer) => {
      if (bytes[0] === 0xff) throw new Error('index out of range');
      return { text: bytes.toString() };
    },
    responseSerialize: (value: { text: string }) => Buffer.from(value.text),
    responseDeserialize: (bytes: Buffer) => ({ text: bytes.toString() }),
  },
} satisfies ServiceDefinition;

describe('refuseMalformedRequests', () => {
  it('decodes what decodes, and hands a marker instead of throwing for what does not', () => {
    const tolerant = refuseMalformedRequests(definition);
    expect(tolerant.echo.requestDeserialize(Buffer.from('hi'))).toEqual({ text: 'hi' });
    expect(isMalformedRequest(tolerant.echo.requestDeserialize(Buffer.from([0xff])))).toBe(true);
    expect(isMalformedRequest({ text: 'hi' })).toBe(false);
  });
});
