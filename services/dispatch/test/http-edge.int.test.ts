import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_OPEN311_API_KEY } from '../src/config';
import { api, createWorld, startDispatch, token, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';

const EVIDENCE_MAX_BYTES = 64 * 1024;

interface RawExchange {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** Body bytes this client had written when the server's answer arrived. */
  sentWhenAnswered: number;
  /** The server ended the connection (FIN), rather than this client. */
  endedByServer: boolean;
}

/**
 * Sends a request over a plain socket: the head, then `fastBytes` of body at once, then the rest 16 KiB every 10 ms
 * (chunked, or after a declared Content-Length) until the server answers or `bodyBytes` are written, and reads the
 * answer until the connection closes. Writing slowly once past the limit lets this client read an early answer
 * before its next write meets the closed connection, as an HTTP client that reads while it sends does.
 */
function rawRequest(port: number, head: string, options: { bodyBytes: number; fastBytes: number; chunked: boolean }): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let sent = 0;
    let sentWhenAnswered = -1;
    let endedByServer = false;
    const piece = Buffer.alloc(16 * 1024, 0x41);
    const writePiece = (): void => {
      const size = Math.min(piece.length, options.bodyBytes - sent);
      const data = piece.subarray(0, size);
      sent += size;
      socket.write(options.chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), data, Buffer.from('\r\n')]) : data);
      if (options.chunked && sent >= options.bodyBytes) socket.write('0\r\n\r\n');
    };
    const pace = (): void => {
      if (sentWhenAnswered >= 0 || socket.destroyed || socket.writableEnded || sent >= options.bodyBytes) return;
      writePiece();
      setTimeout(pace, 10);
    };
    socket.on('connect', () => {
      socket.write(`${head}\r\n${options.chunked ? 'transfer-encoding: chunked' : `content-length: ${options.bodyBytes}`}\r\n\r\n`);
      while (sent < options.fastBytes && sent < options.bodyBytes) writePiece();
      setTimeout(pace, 10);
    });
    socket.on('data', (chunk: Buffer) => {
      if (sentWhenAnswered < 0) sentWhenAnswered = sent;
      received = Buffer.concat([received, chunk]);
    });
    socket.on('end', () => {
      endedByServer = true;
    });
    // A reset after the answer is what closing on an unread body may look like from this side.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (received.length === 0) reject(error);
    });
    socket.on('close', () => {
      const [headText, ...rest] = received.toString('utf8').split('\r\n\r\n');
      const [statusLine, ...headerLines] = (headText ?? '').split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine?.split(' ')[1]), headers, body: rest.join('\r\n\r\n'), sentWhenAnswered, endedByServer });
    });
  });
}

describe('dispatch HTTP edge: express 5, security headers, one error shape with a stable code, body limits', () => {
  let world: DispatchWorld;
  let service: RunningDispatch;
  let port: number;

  beforeAll(async () => {
    world = await createWorld('dispatch-http-edge');
    service = await startDispatch(world, { EVIDENCE_MAX_BYTES: String(EVIDENCE_MAX_BYTES) });
    port = Number(new URL(service.baseUrl).port);
  });

  afterAll(async () => {
    await service?.process.stop();
    await world?.close();
  });

  it('serves probes and metrics on the admin listener only, not on the public port', async () => {
    expect((await fetch(`${service.adminUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${service.adminUrl}/metrics`)).status).toBe(200);
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect(await api(service.baseUrl, 'GET', path)).toEqual({ status: 404, body: { error: { code: 'no_route', message: `no route GET ${path}` } } });
    }
  });

  it('answers with helmet security headers and without naming its framework', async () => {
    const response = await fetch(`${service.baseUrl}/open311/v2/services.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('gives every error a stable code in the platform shape', async () => {
    expect(await api(service.baseUrl, 'GET', '/v1/cases')).toEqual({ status: 401, body: { error: { code: 'no_token', message: 'send Authorization: Bearer <token>' } } });
    const dispatcher = await token('dispatcher');
    // KPI periods are capped at 366 days: the aggregation stays bounded whatever is asked.
    expect(await api(service.baseUrl, 'GET', '/v1/kpis?from=2025-01-01T00:00:00Z&to=2026-01-03T00:00:00Z', { token: dispatcher })).toMatchObject({ status: 400, body: { error: { code: 'range_too_wide', field: 'from' } } });
    expect(await api(service.baseUrl, 'GET', '/v1/kpis?from=2025-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', { token: dispatcher })).toMatchObject({ status: 200 });
    expect(await api(service.baseUrl, 'GET', '/v1/kpis?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', { token: dispatcher })).toMatchObject({ status: 400, body: { error: { code: 'invalid_range' } } });
    expect(await api(service.baseUrl, 'GET', '/v1/cases/YH-20990101-000001', { token: dispatcher })).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'case YH-20990101-000001 not found' } },
    });
    expect(await api(service.baseUrl, 'POST', '/v1/cases', { token: dispatcher, body: '{"title":' })).toEqual({ status: 400, body: { error: { code: 'invalid_json', message: 'the body is not valid JSON' } } });
    const badField = await api(service.baseUrl, 'POST', '/v1/cases', { token: dispatcher, body: { case_type: 'dust', title: 42 } });
    expect(badField).toEqual({ status: 400, body: { error: { code: 'invalid_field', message: 'title must be a string', field: 'title' } } });
    const analyst = await api(service.baseUrl, 'POST', '/v1/cases/YH-20990101-000001/actions', { token: await token('analyst'), body: { action: 'close', expected_version: 1 } });
    expect(analyst).toEqual({ status: 403, body: { error: { code: 'role_not_allowed', message: 'the analyst role may not call POST /v1/cases/:id/actions' } } });
    const wrongMethod = await fetch(`${service.baseUrl}/v1/cases/YH-20990101-000001`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(await wrongMethod.json()).toEqual({ error: { code: 'method_not_allowed', message: 'DELETE is not allowed here; use GET' } });
  });

  it('refuses evidence declared larger than EVIDENCE_MAX_BYTES with 413 at once, closing the connection instead of reading it', async () => {
    const declared = 32 * 1024 * 1024;
    const exchange = await rawRequest(
      port,
      `POST /v1/cases/YH-20990101-000001/evidence?file_name=big.jpg HTTP/1.1\r\nhost: dispatch\r\nauthorization: Bearer ${await token('officer', 'O-001')}\r\ncontent-type: image/jpeg`,
      { bodyBytes: declared, fastBytes: 64 * 1024, chunked: false },
    );
    expect(exchange.status).toBe(413);
    expect(exchange.headers.connection).toBe('close');
    expect(exchange.endedByServer).toBe(true);
    expect(JSON.parse(exchange.body)).toEqual({ error: { code: 'body_too_large', message: `the body exceeds ${EVIDENCE_MAX_BYTES} bytes` } });
    // Answered while this client still had most of the 32 MiB to send: the server did not wait for it.
    expect(exchange.sentWhenAnswered).toBeLessThan(declared / 2);
  });

  it('stops reading a chunked upload once it passes the limit, and answers 413', async () => {
    const offered = 32 * 1024 * 1024;
    const exchange = await rawRequest(
      port,
      `POST /v1/cases/YH-20990101-000001/evidence?file_name=big.jpg HTTP/1.1\r\nhost: dispatch\r\nauthorization: Bearer ${await token('officer', 'O-001')}\r\ncontent-type: image/jpeg`,
      { bodyBytes: offered, fastBytes: 2 * EVIDENCE_MAX_BYTES, chunked: true },
    );
    expect(exchange.status).toBe(413);
    expect(JSON.parse(exchange.body)).toMatchObject({ error: { code: 'body_too_large' } });
    expect(exchange.endedByServer).toBe(true);
    expect(exchange.sentWhenAnswered).toBeLessThan(offered / 2);
  });

  it('answers an oversized Open311 request with 413 in the GeoReport v2 error shape', async () => {
    const exchange = await rawRequest(port, `POST /open311/v2/requests.json HTTP/1.1\r\nhost: dispatch\r\ncontent-type: application/x-www-form-urlencoded`, { bodyBytes: 1024 * 1024, fastBytes: 16 * 1024, chunked: false });
    expect(exchange.status).toBe(413);
    expect(JSON.parse(exchange.body)).toEqual([{ code: 413, description: `the body exceeds ${64 * 1024} bytes` }]);
    const wrongKey = await api(service.baseUrl, 'POST', '/open311/v2/requests.json', {
      body: new URLSearchParams({ api_key: `${DEV_OPEN311_API_KEY}-not`, service_code: 'noise', lat: '35.005', long: '111.005' }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(wrongKey).toEqual({ status: 403, body: [{ code: 403, description: 'api_key was not provided or is not valid' }] });
    expect(await api(service.baseUrl, 'GET', '/open311/v2/requests.json?status=pending')).toEqual({ status: 400, body: [{ code: 400, description: 'status is open or closed' }] });
    expect(await api(service.baseUrl, 'GET', '/open311/v2/nothing.json')).toEqual({ status: 404, body: [{ code: 404, description: 'no route GET /open311/v2/nothing.json' }] });
  });
});
