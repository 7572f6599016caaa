import { createServer, type Server, type Socket } from 'node:net';
import { context, metrics, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { encodeFrame, FrameDecoder, hj212Options, parseFrame, type Hj212Frame, type Hj212Options } from '@ecogrid/standards';
import { ATTR, SECONDS_BUCKETS, type Logger } from '@ecogrid/telemetry';
import type { AcceptFrame } from '../../app/accept-frame';
import type { TrackDeviceLinks } from '../../app/track-device-links';
import type { DeviceDirectory, RejectionSink } from '../../app/ports';
import type { DeviceProfile } from '../../domain/device-access';
import { peerAddress } from '../peer-address';

export interface Hj212ListenerOptions {
  acceptFrame: AcceptFrame;
  rejections: RejectionSink;
  devices: DeviceDirectory;
  logger: Logger;
  maxConnections: number;
  idleTimeoutMs: number;
  /** Consecutive authentication failures after which the connection is closed. */
  maxAuthFailures: number;
  /**
   * Sockets pause when this many frames are being handled (waiting for Redis or Kafka, or for the CPU),
   * and resume below the low mark: load beyond what ingest can take stays in the devices' TCP buffers.
   */
  backlogHighWater: number;
  backlogLowWater: number;
  /** Told when a device's first frame on a connection is accepted and when that connection closes. */
  links?: Pick<TrackDeviceLinks, 'connected' | 'disconnected'>;
}

export interface Hj212Listener {
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, lets connections finish what they sent, closes them. */
  close(): Promise<void>;
  readonly connections: number;
}

const meter = metrics.getMeter('@ecogrid/ingest');
const tracer = trace.getTracer('@ecogrid/ingest');
const framesIn = meter.createCounter('ingest_frames_total', { description: 'HJ 212 frames by outcome (stored, duplicate, answered, reported, rejected, failed)' });
const rejectedTotal = meter.createCounter('ingest_rejected_total', { description: 'Refused input by source and reason code' });
const storeLatency = meter.createHistogram('ingest_frame_to_ack_seconds', {
  unit: 's',
  description: 'From a decoded frame to its reply being written (Kafka acknowledged)',
  advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
});
const pausedSockets = meter.createCounter('ingest_backpressure_pauses_total', { description: 'Times a device socket was paused because ingest had too many frames in hand' });

const DEFAULT_DECODING = hj212Options({ mode: 'tolerant' });
const MN_IN_TEXT = /MN=([^;&]{1,64})/;

function optionsFor(device: DeviceProfile): Readonly<Hj212Options> {
  return hj212Options({ mode: device.tolerant ? 'tolerant' : 'strict', profile: device.protocolVersion });
}

/**
 * The device's profile for a frame the lenient decoder already framed. Framing (where the frame ends) was
 * the decoder's call: it takes a frame that ends with its CRC, so a TCP read that stops before the CR LF
 * does not leave the device waiting; the tail then arrives with the next read. Everything inside the frame
 * is still judged by the device's own rules.
 */
function contentOptionsFor(device: DeviceProfile): Readonly<Hj212Options> {
  return hj212Options({ mode: device.tolerant ? 'tolerant' : 'strict', profile: device.protocolVersion, requireTail: false });
}

/** The MN a rejected frame claims, for operators; never trusted for anything else. */
function claimedMn(raw: Uint8Array): string | undefined {
  const match = MN_IN_TEXT.exec(Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, 512)).toString('latin1'));
  return match?.[1];
}

/**
 * The HJ 212 TCP listener. Each connection gets a streaming `FrameDecoder`: frames split at any byte or
 * packed several to a chunk are handled alike, garbage and broken frames are published as rejections with
 * their bytes. A frame is decoded leniently until its MN is known, then judged by that device's profile
 * (2005/2017/2025, strict or tolerant). Replies (9014/9013) are written only after the data is stored.
 * When ingest falls behind, sockets are paused — TCP then slows the devices — instead of queueing in memory;
 * frames already read from a paused socket wait, decoded but not started, until there is room.
 */
export function createHj212Listener(options: Hj212ListenerOptions): Hj212Listener {
  const logger = options.logger.child({ module: 'hj212-listener' });
  const sockets = new Set<Socket>();
  /** Paused sockets, each with the frames it had already delivered and that wait for room. */
  const paused = new Map<Socket, () => boolean>();
  /** Per connection, how many decoded frames wait for room (for the in-flight gauge). */
  const waitingBySocket = new Map<Socket, () => number>();
  let inFlight = 0;

  const frameStarted = (): void => {
    inFlight += 1;
  };
  const frameFinished = (): void => {
    inFlight -= 1;
    if (paused.size > 0 && inFlight <= options.backlogLowWater) {
      for (const [socket, drainWaiting] of paused) {
        if (inFlight >= options.backlogHighWater) break;
        // A socket resumes only once the frames it delivered before pausing are all started.
        if (drainWaiting()) {
          paused.delete(socket);
          if (!socket.destroyed) socket.resume();
        }
      }
    }
  };

  const rejectBytes = (raw: Uint8Array, reason: string, detail: string, remoteAddress: string | undefined): void => {
    rejectedTotal.add(1, { source: 'hj212_tcp', reason });
    framesIn.add(1, { outcome: 'rejected' });
    const deviceMn = claimedMn(raw);
    options.rejections
      .reject([
        {
          reasonCode: reason,
          detail,
          raw: Buffer.from(raw),
          source: 'hj212_tcp',
          receivedTime: new Date(),
          ...(deviceMn === undefined ? {} : { deviceMn }),
          ...(remoteAddress === undefined ? {} : { remoteAddress }),
        },
      ])
      .catch((error: unknown) => logger.error({ err: error, reason }, 'could not publish a rejection'));
  };

  const handleConnection = (socket: Socket): void => {
    sockets.add(socket);
    const remoteAddress = peerAddress(socket.remoteAddress);
    const decoder = new FrameDecoder({ hj212: DEFAULT_DECODING, keepRaw: true });
    let decoderMn: string | null = null;
    let authFailures = 0;
    let closed = false;
    /** The devices whose frames this connection carried (a gateway's carries several). */
    const devicesHere = new Set<string>();
    const deviceSeen = (frame: Hj212Frame): void => {
      if (!options.links || devicesHere.has(frame.mn) || closed) return;
      devicesHere.add(frame.mn);
      options.links.connected(frame.mn, frame.version).catch((error: unknown) => logger.warn({ err: error, mn: frame.mn }, 'device online state not published'));
    };
    socket.setNoDelay(true);
    socket.setTimeout(options.idleTimeoutMs, () => {
      logger.debug({ remoteAddress }, 'closing idle device connection');
      socket.destroy();
    });

    // Replies completed in the same turn go out in one write: a syscall per 9014 was a large share of CPU.
    let replies: Uint8Array[] = [];
    const flushReplies = (): void => {
      const batch = replies;
      replies = [];
      if (closed || socket.destroyed || batch.length === 0) return;
      socket.write(batch.length === 1 ? (batch[0] as Uint8Array) : Buffer.concat(batch));
    };
    const writeReply = (reply: Parameters<typeof encodeFrame>[0] | null): void => {
      if (!reply || closed || socket.destroyed) return;
      if (replies.length === 0) setImmediate(flushReplies);
      replies.push(encodeFrame(reply));
    };

    /** Re-judges a leniently decoded frame by its device's own profile, and switches the decoder to it. */
    const judgeByDevice = (frame: Hj212Frame, raw: Uint8Array): Hj212Frame | null => {
      if (frame.mn === decoderMn) return frame;
      const device = options.devices.profile(frame.mn);
      if (!device) return frame;
      decoder.setOptions(optionsFor(device));
      decoderMn = frame.mn;
      try {
        return parseFrame(raw, contentOptionsFor(device));
      } catch (error) {
        const reason = (error as { code?: string }).code ?? 'bad_frame';
        rejectBytes(raw, reason, `MN=${frame.mn}: ${(error as Error).message}`, remoteAddress);
        return null;
      }
    };

    const handleFrame = (decoded: Hj212Frame, raw: Uint8Array): void => {
      const frame = judgeByDevice(decoded, raw);
      if (!frame) return;
      const started = performance.now();
      frameStarted();
      // The frame's span is the root of its trace: the readings it publishes, the alerts and the case they cause.
      const span = tracer.startSpan(`HJ212 ${frame.cn}`, { kind: SpanKind.SERVER, attributes: { [ATTR.deviceMn]: frame.mn, [ATTR.hj212Command]: frame.cn } });
      const accepted = context.with(trace.setSpan(context.active(), span), () => options.acceptFrame(frame, remoteAddress === undefined ? { raw } : { remoteAddress, raw }));
      accepted
        .then(
          (outcome) => {
            switch (outcome.kind) {
              case 'stored':
                authFailures = 0;
                deviceSeen(frame);
                framesIn.add(1, { outcome: outcome.duplicate ? 'duplicate' : 'stored' });
                writeReply(outcome.reply);
                storeLatency.record((performance.now() - started) / 1000);
                break;
              case 'answered':
                authFailures = 0;
                deviceSeen(frame);
                framesIn.add(1, { outcome: 'answered' });
                writeReply(outcome.reply);
                break;
              case 'reported':
                authFailures = 0;
                deviceSeen(frame);
                framesIn.add(1, { outcome: 'reported' });
                writeReply(outcome.reply);
                break;
              case 'rejected':
                span.setAttribute(ATTR.reasonCode, outcome.reason);
                framesIn.add(1, { outcome: 'rejected' });
                rejectedTotal.add(1, { source: 'hj212_tcp', reason: outcome.reason });
                if (outcome.authFailure && ++authFailures >= options.maxAuthFailures) {
                  logger.warn({ remoteAddress, mn: frame.mn, reason: outcome.reason }, 'closing connection after repeated authentication failures');
                  socket.end();
                }
                break;
            }
          },
          (error: unknown) => {
            // Not stored (Kafka unavailable): no reply, so the device keeps the data and sends it again.
            framesIn.add(1, { outcome: 'failed' });
            span.setStatus({ code: SpanStatusCode.ERROR, message: 'not stored' });
            logger.warn({ err: error, mn: frame.mn }, 'frame not stored; no reply sent');
          },
        )
        .finally(() => {
          span.end();
          frameFinished();
        });
    };

    // Frames decoded while ingest has no room: a chunk can carry a hundred frames, and starting them all on
    // every connection at once is what let memory grow past the limit under overload.
    const waiting: Array<{ frame: Hj212Frame; raw: Uint8Array }> = [];
    waitingBySocket.set(socket, () => waiting.length);
    const drainWaiting = (): boolean => {
      while (waiting.length > 0 && inFlight < options.backlogHighWater) {
        const next = waiting.shift();
        if (next && !closed) handleFrame(next.frame, next.raw);
      }
      return waiting.length === 0;
    };
    socket.on('data', (chunk: Buffer) => {
      for (const result of decoder.push(chunk)) {
        if (!result.ok) rejectBytes(result.raw, result.error.code, result.error.message, remoteAddress);
        else if (waiting.length > 0 || inFlight >= options.backlogHighWater) waiting.push({ frame: result.frame, raw: result.raw ?? new Uint8Array() });
        else handleFrame(result.frame, result.raw ?? new Uint8Array());
      }
      if ((waiting.length > 0 || inFlight >= options.backlogHighWater) && !paused.has(socket)) {
        socket.pause();
        paused.set(socket, drainWaiting);
        pausedSockets.add(1);
      }
    });
    socket.on('end', () => {
      for (const result of decoder.end()) {
        if (!result.ok) rejectBytes(result.raw, result.error.code, result.error.message, remoteAddress);
      }
      socket.end();
    });
    socket.on('error', (error) => logger.debug({ err: error, remoteAddress }, 'device connection error'));
    socket.on('close', () => {
      closed = true;
      for (const mn of devicesHere) {
        options.links?.disconnected(mn).catch((error: unknown) => logger.warn({ err: error, mn }, 'device offline state not published'));
      }
      sockets.delete(socket);
      paused.delete(socket);
      waitingBySocket.delete(socket);
    });
  };

  const server: Server = createServer(handleConnection);
  server.maxConnections = options.maxConnections;
  server.on('drop', (data) => {
    rejectedTotal.add(1, { source: 'hj212_tcp', reason: 'too_many_connections' });
    logger.warn({ remoteAddress: data?.remoteAddress, maxConnections: options.maxConnections }, 'connection refused: too many connections');
  });
  meter.createObservableGauge('ingest_connections', { description: 'Open HJ 212 device connections' }).addCallback((result) => result.observe(sockets.size));
  meter
    .createObservableGauge('ingest_frames_in_flight', { description: 'HJ 212 frames being stored (Redis, Kafka) and not yet answered, and frames decoded from paused sockets waiting for room' })
    .addCallback((result) => {
      let waiting = 0;
      for (const countWaiting of waitingBySocket.values()) waiting += countWaiting();
      result.observe(inFlight, { state: 'storing' });
      result.observe(waiting, { state: 'waiting' });
    });

  return {
    listen: (port, host) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.end();
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 2_000).unref();
      }),
    get connections() {
      return sockets.size;
    },
  };
}
