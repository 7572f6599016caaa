/**
 * A lean gRPC unary client for the load generator: `node:http2` speaking the gRPC wire protocol directly.
 *
 * The load generator is not product code; what it must do is put the same bytes on the wire as a real client
 * and tell an answer from an error, at the lowest CPU per call, because on two shared cores every microsecond
 * it spends is a microsecond the server under test waits for a CPU. grpc-js's Client builds a call stack of
 * filters, a Metadata object, a deadline timer, status objects and several closures per call (what that costs is
 * in BENCHMARKS.md and the commit that added this client); this client sends one HTTP/2 stream per call
 * with pre-framed request bytes and a shared header block, and reads `grpc-status` from the trailers.
 *
 * Wire format (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md): request headers `:method POST`,
 * `:path /<service>/<method>`, `content-type: application/grpc`, `te: trailers`, optional `grpc-timeout`; each
 * message is a 1-byte compressed flag, a 4-byte big-endian length and the protobuf bytes; the status is the
 * `grpc-status` trailer, or a header of a "trailers-only" answer (an error without a body).
 */
import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders, type IncomingHttpStatusHeader, type OutgoingHttpHeaders } from 'node:http2';

export interface GrpcHttp2Client {
  /** Sends the pre-framed request `index % requests.length`; resolves true for `grpc-status: 0` with one whole message. */
  call(index: number): Promise<boolean>;
  close(): void;
}

/** The gRPC length-prefixed message: flag 0 (not compressed), big-endian length, the bytes. */
export function frameGrpcMessage(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(5 + message.length);
  framed.writeUInt8(0, 0);
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, 5);
  return framed;
}

/**
 * True when `body` holds exactly one uncompressed length-prefixed message. A server that sends status OK
 * without its answer (or a truncated one) has not answered, whatever the status says.
 */
export function isOneWholeMessage(body: Buffer): boolean {
  return body.length >= 5 && body.readUInt8(0) === 0 && body.readUInt32BE(1) === body.length - 5;
}

/** `grpc-status` of the trailers, else of the headers (trailers-only answer); undefined when neither has one. */
function statusOf(trailers: IncomingHttpHeaders | undefined, headers: IncomingHttpHeaders | undefined): string | undefined {
  const value = trailers?.['grpc-status'] ?? headers?.['grpc-status'];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Opens `channels` HTTP/2 connections to `address` (host:port, plaintext) and resolves once all are connected.
 * Call i goes on connection i % channels, as grpc-js spreads calls over its channels.
 */
export async function openGrpcHttp2Client(options: { address: string; method: string; requests: Uint8Array[]; channels: number; deadlineMs: number; metadata?: Record<string, string> }): Promise<GrpcHttp2Client> {
  const sessions: ClientHttp2Session[] = [];
  const close = (): void => sessions.forEach((session) => session.destroy());
  try {
    for (let i = 0; i < Math.max(1, options.channels); i++) {
      const session = connect(`http://${options.address}`);
      sessions.push(session);
      await new Promise<void>((ready, fail) => {
        const timer = setTimeout(() => fail(new Error(`no HTTP/2 connection to ${options.address} within 10 s`)), 10_000);
        session.once('connect', () => {
          clearTimeout(timer);
          ready();
        });
        session.once('error', (error) => {
          clearTimeout(timer);
          fail(error);
        });
      });
      // A connection error after this fails the streams on it (counted); it must not crash the generator.
      session.on('error', () => undefined);
    }
  } catch (error) {
    close();
    throw error;
  }
  const frames = options.requests.map(frameGrpcMessage);
  if (frames.length === 0) throw new Error('no requests');
  // http2 copies the header object on every request, so one object serves every call. The deadline travels
  // as grpc-timeout (the server enforces it); a call still open when a block drains counts as failed there.
  const headers: OutgoingHttpHeaders = {
    [constants.HTTP2_HEADER_METHOD]: 'POST',
    [constants.HTTP2_HEADER_PATH]: options.method,
    [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
    [constants.HTTP2_HEADER_TE]: 'trailers',
    'grpc-timeout': `${Math.max(1, Math.round(options.deadlineMs))}m`,
    ...options.metadata,
  };

  const call = (index: number): Promise<boolean> =>
    new Promise<boolean>((done) => {
      const session = sessions[index % sessions.length] as ClientHttp2Session;
      if (session.destroyed || session.closed) {
        done(false);
        return;
      }
      const stream = session.request(headers, { endStream: false });
      let responseHeaders: (IncomingHttpHeaders & IncomingHttpStatusHeader) | undefined;
      let trailers: IncomingHttpHeaders | undefined;
      let body: Buffer | undefined;
      let failed = false;
      stream.on('response', (received) => (responseHeaders = received));
      stream.on('trailers', (received) => (trailers = received));
      stream.on('data', (chunk: Buffer) => (body = body === undefined ? chunk : Buffer.concat([body, chunk])));
      stream.on('error', () => (failed = true));
      stream.on('close', () => {
        const ok =
          !failed &&
          stream.rstCode === constants.NGHTTP2_NO_ERROR &&
          responseHeaders?.[':status'] === 200 &&
          statusOf(trailers, responseHeaders) === '0' &&
          body !== undefined &&
          isOneWholeMessage(body);
        done(ok);
      });
      stream.end(frames[index % frames.length]);
    });

  return { call, close };
}
