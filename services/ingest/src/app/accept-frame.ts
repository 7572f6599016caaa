import { encodeFrame, platformReplyFor, type Hj212Frame, type Hj212FrameInput } from '@ecogrid/standards';
import { enrichObservation } from '../domain/enrich-observation';
import { frameToObservation } from '../domain/frame-to-observation';
import { frameToStatus, isStatusCommand, type ClockDriftTracker, type StatusAspect } from '../domain/device-status';
import { COMMAND_REPLIES } from '../domain/command-frame';
import type { AuthenticateDevice } from './authenticate-device';
import type { Clock, DeviceThrottle, RejectionSink, StatusSink } from './ports';
import type { StoreObservations } from './store-observations';

export type FrameOutcome =
  | { kind: 'stored'; observationId: string; duplicate: boolean; reply: Hj212FrameInput | null }
  | { kind: 'answered'; reply: Hj212FrameInput | null }
  | { kind: 'reported'; aspect: StatusAspect; reply: Hj212FrameInput | null }
  | { kind: 'rejected'; reason: string; authFailure: boolean };

export interface AcceptFrameDeps {
  authenticate: AuthenticateDevice;
  throttle: DeviceThrottle;
  store: StoreObservations;
  rejections: RejectionSink;
  status: StatusSink;
  /** Reports a device's clock drift from the DataTime of its real-time data, when it first shows or moves. */
  clockDrift: ClockDriftTracker;
  clock: Clock;
  maxFutureSkewMs: number;
  /** Device control, when on: devices' answers to platform commands (9011/9012/9013) and data that may belong to one. */
  commands?: { reply(frame: Hj212Frame): void; data(frame: Hj212Frame): boolean; solicited(frame: Hj212Frame): boolean };
  /** Device control, when on: a 1013 calibration request, and drift measured on the device's connection. */
  clockCorrection?: { calibrationRequested(frame: Hj212Frame): void; driftMeasured(mn: string, driftMs: number): void };
  /** Device control, when on: a device's 1014 asking for a new SM4 key (HJ 212-2025), after its 9013. */
  keyRequested?(frame: Hj212Frame): void;
}

export interface FrameContext {
  remoteAddress?: string;
  /** The frame's bytes as received, published with a rejection. */
  raw?: Uint8Array;
}

/**
 * Commands a station sends that carry no data but are answered: the 1013 time-calibration request, and under HJ
 * 212-2025 the 9015 heartbeat, whose frames keep the device online (the listener marks it so with any accepted
 * frame), and the 1014 asking for a new key.
 */
const NOTIFICATIONS: ReadonlySet<string> = new Set(['1013', '9015', '1014']);

/**
 * One well-formed HJ 212 frame from a device connection: a rate limit per peer address, authentication by MN and
 * PW, then the device's own rate limit — after authentication, so a stranger claiming an MN cannot spend that
 * device's budget, and not for frames answering the platform's own command in flight. A data upload becomes an observation, is stored, and the reply the Flag asks for comes only
 * once the data is stored; a status upload (running state, running time, restart, device information…) becomes a
 * status report, answered likewise once published. A refused frame is published with its bytes (PW masked) and reason and gets no positive
 * answer, so the device re-sends.
 */
export function createAcceptFrame(deps: AcceptFrameDeps) {
  const reject = async (frame: Hj212Frame, reason: string, detail: string, context: FrameContext, authFailure: boolean): Promise<FrameOutcome> => {
    await deps.rejections.reject([
      {
        reasonCode: reason,
        detail,
        // Without the bytes as received, re-encode: the CP text is kept verbatim, so only a tolerant
        // device's own quirks (lower-case CRC, character-counted length) would differ.
        raw: Buffer.from(context.raw ?? encodeFrame(frame)),
        deviceMn: frame.mn,
        source: 'hj212_tcp',
        receivedTime: deps.clock.now(),
        ...(context.remoteAddress === undefined ? {} : { remoteAddress: context.remoteAddress }),
      },
    ]);
    return { kind: 'rejected', reason, authFailure };
  };

  return async function acceptFrame(frame: Hj212Frame, context: FrameContext): Promise<FrameOutcome> {
    const address = context.remoteAddress ?? '';
    if (!(await deps.throttle.admitAddress(address))) return reject(frame, 'rate_limited', `${address} exceeds its frame rate`, context, false);
    const access = await deps.authenticate(frame.mn, frame.pw, address);
    // Every refused authentication (a disabled device included) counts towards closing the connection.
    if (!access.ok) return reject(frame, access.reason, `MN=${frame.mn}: ${access.reason.replace('_', ' ')}`, context, true);
    // What the platform asked for (answers and data of the command in flight) is not the device's own rate: one command
    // at a time per device bounds it, and refusing it would time the command out.
    const solicited = deps.commands?.solicited(frame) === true;
    if (!solicited && !(await deps.throttle.admitDevice(frame.mn))) return reject(frame, 'rate_limited', `MN=${frame.mn} exceeds its frame rate`, context, false);
    // Answers to the platform's own requests are never answered (HJ 212-2017 §9.1.4): they move the command on.
    if (deps.commands && COMMAND_REPLIES.has(frame.cn)) {
      deps.commands.reply(frame);
      return { kind: 'answered', reply: null };
    }
    if (NOTIFICATIONS.has(frame.cn)) {
      // The 1012 it asks for goes out after this 9013: it is stored first, and written on the same connection after it.
      if (frame.cn === '1013') deps.clockCorrection?.calibrationRequested(frame);
      if (frame.cn === '1014') deps.keyRequested?.(frame);
      return { kind: 'answered', reply: platformReplyFor(frame) };
    }
    const receivedTime = deps.clock.now();
    if (isStatusCommand(frame.cn)) {
      const status = frameToStatus(frame, receivedTime);
      if (!status.ok) return reject(frame, status.problem.reason, `${status.problem.field}: ${status.problem.message}`, context, false);
      // Before the report is awaited: the device sends its 9012 right behind this frame, and the data belongs to the
      // command before that 9012 ends it.
      deps.commands?.data(frame);
      await deps.status.report([status.report]);
      if (status.report.clockDriftMs !== undefined) deps.clockCorrection?.driftMeasured(frame.mn, status.report.clockDriftMs);
      return { kind: 'reported', aspect: status.report.aspect, reply: platformReplyFor(frame) };
    }
    const conversion = frameToObservation(frame, receivedTime, { maxFutureSkewMs: deps.maxFutureSkewMs });
    if (!conversion.ok) {
      return reject(frame, conversion.problem.reason, `${conversion.problem.field}: ${conversion.problem.message}`, context, false);
    }
    const observation = enrichObservation(conversion.observation, access.device);
    const drift = deps.clockDrift.observe(frame, observation.dataTime, receivedTime);
    // A record answering a history request (a back-fill) is marked as an HJ 212-2025 device marks it with RF=1.
    if (deps.commands?.data(frame) === true) observation.resend = true;
    // Promise.all only when there is a drift report to publish beside it: this runs for every frame.
    const { duplicate } = drift ? (await Promise.all([deps.store([observation]), deps.status.report([drift])]))[0] : await deps.store([observation]);
    if (drift?.clockDriftMs !== undefined) deps.clockCorrection?.driftMeasured(frame.mn, drift.clockDriftMs);
    return { kind: 'stored', observationId: observation.id, duplicate: duplicate[0] ?? false, reply: platformReplyFor(frame) };
  };
}

export type AcceptFrame = ReturnType<typeof createAcceptFrame>;
