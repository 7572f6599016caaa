import { describe, expect, it } from 'vitest';
import { freePort } from '@ecogrid/testkit';
import { ECHO_METHOD } from './bare-grpc-server';
import { useBareGrpcEcho } from './bare-grpc-echo.fixture';
import { frameGrpcMessage, isOneWholeMessage, openGrpcHttp2Client } from './grpc-http2-client';

describe('gRPC message framing', () => {
  it('prefixes the bytes with flag 0 and their big-endian length', () => {
    expect([...frameGrpcMessage(Uint8Array.of(7, 8, 9))]).toEqual([0, 0, 0, 0, 3, 7, 8, 9]);
    expect([...frameGrpcMessage(new Uint8Array(0))]).toEqual([0, 0, 0, 0, 0]);
  });

  it('accepts exactly one whole uncompressed message', () => {
    expect(isOneWholeMessage(frameGrpcMessage(Buffer.from('answer')))).toBe(true);
    expect(isOneWholeMessage(frameGrpcMessage(Buffer.from('answer')).subarray(0, 8))).toBe(false);
    expect(isOneWholeMessage(Buffer.concat([frameGrpcMessage(Buffer.from('a')), frameGrpcMessage(Buffer.from('b'))]))).toBe(false);
    expect(isOneWholeMessage(Buffer.from([1, 0, 0, 0, 1, 42]))).toBe(false);
    expect(isOneWholeMessage(Buffer.from([0, 0, 0]))).toBe(false);
  });
});

describe('openGrpcHttp2Client against a grpc-js server', () => {
  const echo = useBareGrpcEcho(Buffer.from('answer'));

  it('counts an answered call as success and a non-zero grpc-status (trailers-only UNIMPLEMENTED) as failure', async () => {
    const requests = [Buffer.from('one'), Buffer.from('two')];
    const ok = await openGrpcHttp2Client({ address: echo.address, method: ECHO_METHOD, requests, channels: 2, deadlineMs: 2_000 });
    const unimplemented = await openGrpcHttp2Client({ address: echo.address, method: '/bench.Echo/Nope', requests, channels: 1, deadlineMs: 2_000 });
    try {
      expect(await Promise.all(Array.from({ length: 50 }, (_, index) => ok.call(index)))).toEqual(Array.from({ length: 50 }, () => true));
      expect(await Promise.all([unimplemented.call(0), unimplemented.call(1)])).toEqual([false, false]);
    } finally {
      ok.close();
      unimplemented.close();
    }
    // A closed client fails its calls instead of sending them.
    expect(await ok.call(0)).toBe(false);
  });

  it('fails to open against a port nobody listens on', async () => {
    const port = await freePort();
    await expect(openGrpcHttp2Client({ address: `127.0.0.1:${port}`, method: ECHO_METHOD, requests: [Buffer.from('x')], channels: 1, deadlineMs: 1_000 })).rejects.toThrow();
  });
});
