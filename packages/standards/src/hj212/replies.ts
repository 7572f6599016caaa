import { DATA_UPLOAD_COMMANDS, STATION_NOTIFICATION_COMMANDS } from './command-codes';
import { encodeFlag } from './flag';
import { type Hj212FrameInput } from './encode-frame';
import { type Hj212Frame } from './hj212-frame';
import { type Hj212Version } from './hj212-options';
import { EXE_RTN, QN_RTN, type ExeRtn, type QnRtn } from './return-codes';

/** The fields a reply echoes from the frame it answers. */
export type Hj212Answered = Pick<Hj212Frame, 'qn' | 'pw' | 'mn' | 'version'> & { flag: { value: number } | null };

/**
 * The Flag of a response: version bits only, no D, no A (HJ 212-2017 Appendix C: `Flag=4`; `Flag=8` under
 * HJ 212-2025). A 2005 frame without a Flag is answered without one.
 */
export function responseFlag(answered: Hj212Answered): number | null {
  if (answered.flag === null) return null;
  return encodeFlag({ version: answered.version satisfies Hj212Version });
}

function reply(answered: Hj212Answered, cn: string, params: Record<string, string | number>): Hj212FrameInput {
  return { qn: answered.qn, st: '91', cn, pw: answered.pw, mn: answered.mn, flag: responseFlag(answered), cp: { params } };
}

/**
 * 9014 data response (HJ 212-2017 §6.5, Appendix C.14): same QN, PW and MN, `ST=91`, `CP=&&&&`. Send it only
 * after the data is stored, and only when `needsReply` says so.
 */
export function dataResponse(answered: Hj212Answered): Hj212FrameInput {
  return reply(answered, '9014', {});
}

/** 9013 notification response (HJ 212-2017 Appendix C), e.g. to a 1013 time-calibration request. */
export function notificationResponse(answered: Hj212Answered): Hj212FrameInput {
  return reply(answered, '9013', {});
}

/** 9011 request response with `QnRtn` (HJ 212-2017 table 7): what a station answers to a platform request. */
export function requestResponse(request: Hj212Answered, qnRtn: QnRtn): Hj212FrameInput {
  if (!(qnRtn in QN_RTN)) throw new RangeError(`unknown QnRtn ${qnRtn}`);
  return reply(request, '9011', { QnRtn: qnRtn });
}

/** 9012 execution result with `ExeRtn` (HJ 212-2017 table 6): sent by a station after executing a request. */
export function executionResponse(request: Hj212Answered, exeRtn: ExeRtn): Hj212FrameInput {
  if (!(exeRtn in EXE_RTN)) throw new RangeError(`unknown ExeRtn ${exeRtn}`);
  return reply(request, '9012', { ExeRtn: exeRtn });
}

/**
 * The reply the platform owes a frame received from a station, or `null` (HJ 212-2017 §6.5, Appendix C):
 * 9014 for a data upload and 9013 for a station notification, in both cases only when the Flag's A bit is set.
 * A frame without QN cannot be answered (there is nothing to echo) and gets `null`.
 */
export function platformReplyFor(frame: Hj212Frame): Hj212FrameInput | null {
  if (frame.flag === null || !frame.flag.needsAck || frame.qn === null) return null;
  if (DATA_UPLOAD_COMMANDS.has(frame.cn)) return dataResponse(frame);
  if (STATION_NOTIFICATION_COMMANDS.has(frame.cn)) return notificationResponse(frame);
  return null;
}
