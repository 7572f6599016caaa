import { createServer, type Server, type Socket } from 'node:net';
import { context, metrics, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { encodeEncryptedFrame, encodeFrame, FrameDecoder, hj212Options, isEncryptedCommand, parseFrame, type Hj212Frame, type Hj212FrameInput, type Hj212Options } from '@ecogrid/standards';
import { ATTR, SECONDS_BUCKETS, type Logger } from '@ecogrid/telemetry';
import type { AcceptFrame } from '../../app/accept-frame';
import type { TrackDeviceLinks } from '../../app/track-device-links';
import type { DeviceLink } from '../../app/run-device-commands';
import type { DeviceDirectory, DeviceKeys, RejectionSink } from '../../app/ports';
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
   * Sockets pause when this many frames are in hand in total (waiting for Redis or Kafka, or for the CPU),
   * and resume below the low mark: load beyond what ingest can take stays with the devices, slowed by TCP.
   */
  backlogHighWater: number;
  backlogLowWater: number;
  /**
   * Frames one connection may have in hand (read and not yet answered); at this many its socket pauses until half
   * are answered. A device waits for each 9014, so only a pipelining client reaches it, and it cannot take the
   * whole backlog from the others.
   */
  framesPerConnection: number;
  /**
   * HJ 212-2025 encrypted links: a device with an SM4 key has its encrypted frames (§6.4's CNs) opened with it and
   * the platform's frames of those CNs to it encrypted; one its keys do not open is refused as `decrypt_failed`.
   */
  keys?: Pick<DeviceKeys, 'active' | 'incoming' | 'outgoing'>;
  /** Told when a device's first frame on a connection is accepted and when that connection closes. */
  links?: Pick<TrackDeviceLinks, 'connected' | 'disconnected'>;
  /** Device control: offered each device's connection for sending commands, and told when it closes. */
  control?: { connected(link: DeviceLink): void; disconnected(link: DeviceLink): void };
  /**
   * Automatic back-fill: `probe` is asked, before a device's first frame on a connection is handled, for the newest
   * data time stored for it (the frame must not be counted in it); `back` gets that answer once the frame was accepted.
   */
  backfill?: { probe(mn: string): Promise<Date | undefined>; back(mn: string, lastDataTime: Promise<Date | undefined>): void };
}

export interface Hj212Listener {
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, lets connections finish what they sent, closes them. */
  close(): Promise<void>;
  readonly connections: number;
  /** Frames read and not yet answered: being stored, and decoded from a paused socket's last read, waiting for room. */
  backlog(): { storing: number; waiting: number };
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
const pausedSockets = meter.createCounter('ingest_backpressure_pauses_total', {
  description: 'Times a device socket stopped being read because ingest (reason=total) or that connection (reason=connection) had too many frames in hand',
});

type PauseReason = 'total' | 'connection';

/** What the listener keeps for one connection between reads. */
interface ConnectionState {
  socket: Socket;
  /** Frames of this connection started (storing) and not yet finished. */
  inHand: number;
  /** Frames decoded from a chunk after the bound was reached: started when there is room, never dropped. */
  waiting: Array<{ frame: Hj212Frame; raw: Uint8Array }>;
  /** Why its socket is paused, or null while it is read. */
  pausedFor: PauseReason | null;
  closed: boolean;
  start(frame: Hj212Frame, raw: Uint8Array): void;
}

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
 * A frame read from a socket is answered once stored, so what is read is bounded, per connection
 * (`framesPerConnection`) and in total (`backlogHighWater`): at either bound the socket is paused — the door — and
 * TCP slows the device instead of frames queueing in memory until the device's reply timer runs out. Frames a
 * paused socket had already delivered in its last read wait, decoded but not started, and start first when there
 * is room; nothing read is dropped.
 */
export function createHj212Listener(options: Hj212ListenerOptions): Hj212Listener {
  const logger = options.logger.child({ module: 'hj212-listener' });
  const sockets = new Set<Socket>();
  const connections = new Set<ConnectionState>();
  /** Connections whose socket is paused; insertion order makes resuming fair. */
  const paused = new Set<ConnectionState>();
  const connectionLowWater = Math.floor(options.framesPerConnection / 2);
  let inFlight = 0;

  const hasRoom = (connection: ConnectionState): boolean => connection.inHand < options.framesPerConnection && inFlight < options.backlogHighWater;

  /** Starts the connection's waiting frames while there is room; true when none is left waiting. */
  const drainWaiting = (connection: ConnectionState): boolean => {
    while (connection.waiting.length > 0 && hasRoom(connection)) {
      const next = connection.waiting.shift();
      if (next && !connection.closed) connection.start(next.frame, next.raw);
    }
    return connection.waiting.length === 0;
  };

  const pause = (connection: ConnectionState): void => {
    if (connection.pausedFor !== null) return;
    const reason: PauseReason = inFlight >= options.backlogHighWater ? 'total' : 'connection';
    connection.socket.pause();
    connection.pausedFor = reason;
    paused.add(connection);
    pausedSockets.add(1, { reason });
  };

  /** Reads a paused socket again once its own frames and the total are back under their low marks. */
  const resumeIfRoom = (connection: ConnectionState): void => {
    if (connection.pausedFor === null || !drainWaiting(connection)) return;
    const totalLow = connection.pausedFor === 'total' ? options.backlogLowWater : options.backlogHighWater - 1;
    if (connection.inHand > connectionLowWater || inFlight > totalLow) return;
    paused.delete(connection);
    connection.pausedFor = null;
    if (!connection.socket.destroyed) connection.socket.resume();
  };

  const frameStarted = (connection: ConnectionState): void => {
    inFlight += 1;
    connection.inHand += 1;
  };
  const frameFinished = (connection: ConnectionState): void => {
    inFlight -= 1;
    connection.inHand -= 1;
    resumeIfRoom(connection);
    if (paused.size > 0 && inFlight <= options.backlogLowWater) {
      for (const other of paused) {
        if (inFlight >= options.backlogHighWater) break;
        resumeIfRoom(other);
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
    // Without key-encryption keys no device key opens: the decoder then frames by length alone, as before HJ 212-2025.
    const keys = options.keys?.active ? options.keys : undefined;
    const decoder = new FrameDecoder({ hj212: DEFAULT_DECODING, keepRaw: true, ...(keys ? { encryption: (mn: string) => keys.incoming(mn) } : {}) });
    const connection: ConnectionState = { socket, inHand: 0, waiting: [], pausedFor: null, closed: false, start: (frame, raw) => handleFrame(frame, raw) };
    connections.add(connection);
    let decoderMn: string | null = null;
    let authFailures = 0;
    /** The devices whose frames this connection carried (a gateway's carries several). */
    const devicesHere = new Set<string>();
    /** Per device not yet accepted on this connection: what it had sent before, asked before its first frame is handled. */
    const lastDataTimes = new Map<string, Promise<Date | undefined>>();
    const deviceSeen = (frame: Hj212Frame): void => {
      if (devicesHere.has(frame.mn) || connection.closed) return;
      devicesHere.add(frame.mn);
      options.links?.connected(frame.mn, frame.version).catch((error: unknown) => logger.warn({ err: error, mn: frame.mn }, 'device online state not published'));
      const lastDataTime = lastDataTimes.get(frame.mn);
      if (lastDataTime && options.backfill) {
        lastDataTimes.delete(frame.mn);
        options.backfill.back(frame.mn, lastDataTime);
      }
    };
    /** Each device's side of this connection for commands, with the password it last authenticated with. */
    const commandLinks = new Map<string, DeviceLink>();
    const offerLink = (frame: Hj212Frame): void => {
      if (!options.control || connection.closed) return;
      const existing = commandLinks.get(frame.mn);
      if (existing) {
        existing.password = frame.pw;
        if (existing.systemCode === '91' && frame.st !== '91') existing.systemCode = frame.st;
        return;
      }
      const link: DeviceLink = { mn: frame.mn, version: frame.version, systemCode: frame.st, password: frame.pw, send: (request: Parameters<typeof encodeFrame>[0]) => writeReply(request) };
      commandLinks.set(frame.mn, link);
      options.control.connected(link);
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
      if (connection.closed || socket.destroyed || batch.length === 0) return;
      socket.write(batch.length === 1 ? (batch[0] as Uint8Array) : Buffer.concat(batch));
    };
    const encode = (frame: Hj212FrameInput): Uint8Array => {
      const encryption = keys && isEncryptedCommand(frame.cn) ? keys.outgoing(frame.mn) : undefined;
      return encryption ? encodeEncryptedFrame(frame, encryption) : encodeFrame(frame);
    };
    const writeReply = (reply: Hj212FrameInput | null): void => {
      if (!reply || connection.closed || socket.destroyed) return;
      if (replies.length === 0) setImmediate(flushReplies);
      replies.push(encode(reply));
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
      // Once per registered device and connection (two lookups per frame, nothing awaited): the back-fill check's
      // reading is asked for now, ahead of anything this frame writes. A frame claiming an unknown MN costs no read.
      if (options.backfill && !devicesHere.has(frame.mn) && !lastDataTimes.has(frame.mn) && options.devices.profile(frame.mn)) {
        lastDataTimes.set(frame.mn, options.backfill.probe(frame.mn));
      }
      const started = performance.now();
      frameStarted(connection);
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
                offerLink(frame);
                framesIn.add(1, { outcome: outcome.duplicate ? 'duplicate' : 'stored' });
                writeReply(outcome.reply);
                storeLatency.record((performance.now() - started) / 1000);
                break;
              case 'answered':
              case 'reported':
                authFailures = 0;
                deviceSeen(frame);
                offerLink(frame);
                framesIn.add(1, { outcome: outcome.kind });
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
          frameFinished(connection);
        });
    };

    socket.on('data', (chunk: Buffer) => {
      for (const result of decoder.push(chunk)) {
        if (!result.ok) rejectBytes(result.raw, result.error.code, result.error.message, remoteAddress);
        else if (connection.waiting.length > 0 || !hasRoom(connection)) connection.waiting.push({ frame: result.frame, raw: result.raw ?? new Uint8Array() });
        else handleFrame(result.frame, result.raw ?? new Uint8Array());
      }
      // Pausing as soon as the bound is reached, not once a frame had to wait: the next read would be one.
      if (connection.waiting.length > 0 || !hasRoom(connection)) pause(connection);
    });
    socket.on('end', () => {
      for (const result of decoder.end()) {
        if (!result.ok) rejectBytes(result.raw, result.error.code, result.error.message, remoteAddress);
      }
      socket.end();
    });
    socket.on('error', (error) => logger.debug({ err: error, remoteAddress }, 'device connection error'));
    socket.on('close', () => {
      connection.closed = true;
      for (const link of commandLinks.values()) options.control?.disconnected(link);
      for (const mn of devicesHere) {
        options.links?.disconnected(mn).catch((error: unknown) => logger.warn({ err: error, mn }, 'device offline state not published'));
      }
      sockets.delete(socket);
      connections.delete(connection);
      paused.delete(connection);
    });
  };

  const backlog = (): { storing: number; waiting: number } => {
    let waiting = 0;
    for (const connection of connections) waiting += connection.waiting.length;
    return { storing: inFlight, waiting };
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
      const { storing, waiting } = backlog();
      result.observe(storing, { state: 'storing' });
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
    backlog,
  };
}
