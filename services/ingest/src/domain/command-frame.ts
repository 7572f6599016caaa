import { encodeFlag, type Hj212Frame, type Hj212FrameInput, type Hj212Version } from '@ecogrid/standards';
import { formatChinaDigits } from './china-time';
import type { CommandData, DeviceCommand } from './device-command';

/** What a request frame takes from the device's own connection: how it speaks, its ST and the password it uses. */
export interface DeviceEndpoint {
  version: Hj212Version;
  systemCode: string;
  password: string;
}

/**
 * The request as the device expects it (HJ 212-2017 §6.3, Annex C): the command's QN, the device's ST, PW and MN,
 * and the Flag of its protocol with the A bit set (5 under 2017, 9 under 2025; none for a 2005 device). A 1012 sent
 * without SystemTime carries the platform's time at the moment it is written, re-sends included.
 */
export function requestFrame(command: DeviceCommand, device: DeviceEndpoint, at: Date): Hj212FrameInput {
  const params: Record<string, string> = { ...command.params };
  if (command.commandCode === '1012' && params.SystemTime === undefined) params.SystemTime = formatChinaDigits(at);
  return {
    qn: command.requestNumber,
    st: device.systemCode,
    cn: command.commandCode,
    pw: device.password,
    mn: command.deviceMn,
    flag: device.version === '2005' ? null : encodeFlag({ version: device.version, needsAck: true }),
    cp: { params },
  };
}

/** Replies a device sends to platform requests: never answered by the platform (HJ 212-2017 §9.1.4). */
export const COMMAND_REPLIES: ReadonlySet<string> = new Set(['9011', '9012', '9013']);

/** A data frame as the command keeps it: its parameters and coded items (`SB1-RS`), DataTime included. */
export function commandDataOf(frame: Pick<Hj212Frame, 'cn' | 'cp'>, receivedTime: Date): CommandData {
  const params: Record<string, string> = { ...frame.cp.params };
  for (const [code, fields] of Object.entries(frame.cp.factors)) {
    for (const [suffix, value] of Object.entries(fields)) if (value !== undefined) params[`${code}-${suffix}`] = value;
  }
  return { commandCode: frame.cn, receivedTime, params };
}
