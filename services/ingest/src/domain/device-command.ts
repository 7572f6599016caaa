import { formatChinaDigits } from './china-time';

/** Where a command stands; the finished ones never change again. */
export type CommandState = 'queued' | 'sent' | 'accepted' | 'refused' | 'succeeded' | 'failed' | 'timed_out' | 'expired';
/**
 * Who asked: a staff member, ingest setting a clock, ingest back-filling what a device's silence cost, or ingest
 * rotating the SM4 key of a device that asked for a new one (HJ 212-2025 1014).
 */
export type CommandOrigin = 'operator' | 'clock' | 'backfill' | 'key_request';

export const FINISHED_STATES: ReadonlySet<CommandState> = new Set(['refused', 'succeeded', 'failed', 'timed_out', 'expired']);

/** How a command is answered: a request with 9011 (then data, then 9012), a notification (2012, 2022) with 9013. */
export type CommandKind = 'request' | 'notification';

export interface CommandData {
  commandCode: string;
  receivedTime: Date;
  params: Record<string, string>;
}

export interface DeviceCommand {
  id: string;
  deviceMn: string;
  commandCode: string;
  kind: CommandKind;
  params: Record<string, string>;
  origin: CommandOrigin;
  requestedBy: string;
  state: CommandState;
  /** The QN it was sent with; empty while queued. */
  requestNumber: string;
  overTimeSeconds: number;
  reCount: number;
  attempts: number;
  qnRtn: number;
  exeRtn: number;
  reason: string;
  reasonText: string;
  data: CommandData[];
  note: string;
  createdTime: Date;
  updatedTime: Date;
  sentTime: Date | null;
  finishedTime: Date | null;
  queuedUntil: Date;
  /** When the wait for the next answer runs out (an instance that crashed leaves this for the sweep). */
  deadline: Date | null;
}

/** QnRtn meanings (HJ 212-2017 table 7), zh-CN, for the reason a refused command carries. */
const QN_RTN_TEXT: Readonly<Record<number, string>> = {
  2: '请求被拒绝',
  3: 'PW 错误',
  4: 'MN 错误',
  5: 'ST 错误',
  6: 'Flag 错误',
  7: 'QN 错误',
  8: 'CN 错误',
  9: 'CRC 校验错误',
  100: '未知错误',
};

/** ExeRtn meanings (HJ 212-2017 table 6), zh-CN. */
const EXE_RTN_TEXT: Readonly<Record<number, string>> = {
  2: '执行失败，但不知道原因',
  3: '命令请求条件错误',
  4: '通讯超时',
  5: '系统繁忙不能执行',
  6: '系统故障',
  100: '没有数据',
};

/** A transition that does not apply to the command as it stands: the answer came late, twice, or for another QN. */
export type Transition = { ok: true; command: DeviceCommand } | { ok: false; why: string };

const moved = (command: DeviceCommand, at: Date, changes: Partial<DeviceCommand>): Transition => ({
  ok: true,
  command: { ...command, ...changes, updatedTime: at },
});
const finished = (command: DeviceCommand, at: Date, state: CommandState, changes: Partial<DeviceCommand>): Transition =>
  moved(command, at, { ...changes, state, finishedTime: at, deadline: null });
const refuse = (why: string): Transition => ({ ok: false, why });

/** What a request names of its command; the rest of a DeviceCommand is its lifecycle. */
export interface NewCommand extends Pick<DeviceCommand, 'id' | 'deviceMn' | 'commandCode' | 'kind' | 'params' | 'origin' | 'requestedBy' | 'overTimeSeconds' | 'reCount'> {
  note?: string;
  /** How long it may wait for the device to connect. */
  maxQueueMs: number;
}

export function newCommand(input: NewCommand, at: Date): DeviceCommand {
  return {
    id: input.id,
    deviceMn: input.deviceMn,
    commandCode: input.commandCode,
    kind: input.kind,
    params: input.params,
    origin: input.origin,
    requestedBy: input.requestedBy,
    state: 'queued',
    requestNumber: '',
    overTimeSeconds: input.overTimeSeconds,
    reCount: input.reCount,
    attempts: 0,
    qnRtn: 0,
    exeRtn: 0,
    reason: '',
    reasonText: '',
    data: [],
    note: input.note ?? '',
    createdTime: at,
    updatedTime: at,
    sentTime: null,
    finishedTime: null,
    queuedUntil: new Date(at.getTime() + input.maxQueueMs),
    deadline: null,
  };
}

const overTimeMs = (command: DeviceCommand): number => command.overTimeSeconds * 1000;

/**
 * A QN for a request: YYYYMMDDhhmmsszzz in Beijing time (HJ 212-2017 §6.3.2), strictly after the device's previous
 * one, so two requests in one millisecond stay apart and the device can tell a re-send (same QN) from a new request.
 */
export function nextRequestNumber(at: Date, previous: string | undefined): string {
  let millis = at.getTime();
  if (previous !== undefined && previous.length === 17) {
    const last = qnMillis(previous);
    if (last !== null && last >= millis) millis = last + 1;
  }
  const instant = new Date(millis);
  return `${formatChinaDigits(instant)}${String(instant.getUTCMilliseconds()).padStart(3, '0')}`;
}

function qnMillis(qn: string): number | null {
  const year = Number(qn.slice(0, 4));
  const month = Number(qn.slice(4, 6));
  const day = Number(qn.slice(6, 8));
  const values = [qn.slice(8, 10), qn.slice(10, 12), qn.slice(12, 14), qn.slice(14, 17)].map(Number);
  if ([year, month, day, ...values].some((value) => !Number.isInteger(value))) return null;
  const [hour = 0, minute = 0, second = 0, ms = 0] = values;
  return Date.UTC(year, month - 1, day, hour - 8, minute, second, ms);
}

/** Written to the device for the first time. */
export function markSent(command: DeviceCommand, requestNumber: string, at: Date): Transition {
  if (command.state !== 'queued') return refuse(`a ${command.state} command is not sent again`);
  return moved(command, at, { state: 'sent', requestNumber, attempts: 1, sentTime: at, deadline: new Date(at.getTime() + overTimeMs(command)) });
}

/**
 * No answer within OverTime (HJ 212-2017 §6.2.1): re-sent, with the same QN, while fewer than ReCount re-sends went out;
 * after that the link counts as unusable and the command has timed out. After a 9011, no further answer within
 * OverTime means the execution timed out (§6.2.2); that is not re-sent, the device already has the request.
 */
export function answerOverdue(command: DeviceCommand, at: Date): Transition & { resend?: boolean } {
  if (command.state === 'sent') {
    if (command.attempts <= command.reCount) {
      return { ...moved(command, at, { attempts: command.attempts + 1, deadline: new Date(at.getTime() + overTimeMs(command)) }), resend: true };
    }
    return finished(command, at, 'timed_out', { reason: 'no_answer', reasonText: `现场机在 ${command.attempts} 次发送后均未应答` });
  }
  if (command.state === 'accepted') return finished(command, at, 'timed_out', { reason: 'no_result', reasonText: '现场机应答后未在超时时间内返回执行结果' });
  return refuse(`a ${command.state} command waits for no answer`);
}

/** 9011 with QnRtn: 1 the device executes; anything else ends the command (no 9012 follows). */
export function requestAnswered(command: DeviceCommand, qnRtn: number, at: Date): Transition {
  if (command.kind !== 'request') return refuse('a notification is answered with 9013, not 9011');
  if (command.state !== 'sent') return refuse(`9011 for a ${command.state} command`);
  if (qnRtn === 1) return moved(command, at, { state: 'accepted', qnRtn, deadline: new Date(at.getTime() + overTimeMs(command)) });
  return finished(command, at, 'refused', { qnRtn, reason: `refused_${qnRtn}`, reasonText: QN_RTN_TEXT[qnRtn] ?? `QnRtn=${qnRtn}` });
}

/** A data frame of the command (its QN): kept, and the wait for the 9012 starts again. */
export function dataReceived(command: DeviceCommand, data: CommandData, at: Date): Transition {
  // A device that skips the 9011 and answers with data has evidently taken the request.
  if (command.state !== 'accepted' && command.state !== 'sent') return refuse(`data for a ${command.state} command`);
  return moved(command, at, { state: 'accepted', qnRtn: command.qnRtn || 1, data: [...command.data, data], deadline: new Date(at.getTime() + overTimeMs(command)) });
}

/** 9012 with ExeRtn: 1 success, anything else failure with its reason. */
export function executionAnswered(command: DeviceCommand, exeRtn: number, at: Date): Transition {
  if (command.kind !== 'request') return refuse('a notification gets no 9012');
  if (command.state !== 'accepted' && command.state !== 'sent') return refuse(`9012 for a ${command.state} command`);
  if (exeRtn === 1) return finished(command, at, 'succeeded', { exeRtn, qnRtn: command.qnRtn || 1 });
  return finished(command, at, 'failed', { exeRtn, qnRtn: command.qnRtn || 1, reason: `failed_${exeRtn}`, reasonText: EXE_RTN_TEXT[exeRtn] ?? `ExeRtn=${exeRtn}` });
}

/** 9013 to a notification (2012, 2022): done. */
export function notificationAnswered(command: DeviceCommand, at: Date): Transition {
  if (command.kind !== 'notification') return refuse('a request is not answered with 9013');
  if (command.state !== 'sent') return refuse(`9013 for a ${command.state} command`);
  return finished(command, at, 'succeeded', {});
}

/** Waited for the device longer than allowed: never sent. */
export function expire(command: DeviceCommand, at: Date): Transition {
  if (command.state !== 'queued') return refuse(`a ${command.state} command does not expire`);
  if (command.queuedUntil.getTime() > at.getTime()) return refuse('still within its queueing time');
  return finished(command, at, 'expired', { reason: 'not_connected', reasonText: '等待现场机上线超时，命令未发送' });
}

/**
 * The sweep's view of an in-flight command whose instance stopped following it (it crashed, or lost the connection
 * and its timers with it): past its deadline by more than `graceMs`, it has timed out.
 */
export function abandoned(command: DeviceCommand, at: Date, graceMs: number): Transition {
  if (command.state !== 'sent' && command.state !== 'accepted') return refuse(`a ${command.state} command is not in flight`);
  if (command.deadline === null || command.deadline.getTime() + graceMs > at.getTime()) return refuse('its instance still follows it');
  return finished(command, at, 'timed_out', { reason: command.state === 'sent' ? 'no_answer' : 'no_result', reasonText: '等待现场机应答超时' });
}
