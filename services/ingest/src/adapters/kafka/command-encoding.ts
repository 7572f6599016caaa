import { CommandOrigin, CommandState, DeviceCommand as ProtoCommand, DeviceCommandChanged } from '@ecogrid/proto/ingest/v1/events';
import type { CommandState as State, DeviceCommand } from '../../domain/device-command';

const STATE: Record<State, CommandState> = {
  queued: CommandState.COMMAND_STATE_QUEUED,
  sent: CommandState.COMMAND_STATE_SENT,
  accepted: CommandState.COMMAND_STATE_ACCEPTED,
  refused: CommandState.COMMAND_STATE_REFUSED,
  succeeded: CommandState.COMMAND_STATE_SUCCEEDED,
  failed: CommandState.COMMAND_STATE_FAILED,
  timed_out: CommandState.COMMAND_STATE_TIMED_OUT,
  expired: CommandState.COMMAND_STATE_EXPIRED,
};

const ORIGINS: Record<DeviceCommand['origin'], CommandOrigin> = {
  operator: CommandOrigin.COMMAND_ORIGIN_OPERATOR,
  clock: CommandOrigin.COMMAND_ORIGIN_CLOCK,
  backfill: CommandOrigin.COMMAND_ORIGIN_BACKFILL,
  key_request: CommandOrigin.COMMAND_ORIGIN_KEY_REQUEST,
};

/**
 * Parameters as they leave ingest: a new device password (1072 `NewPW`) is masked — the topic is read by other
 * services and the answers by any operator; only the stored command keeps it, to send it.
 */
const shownParams = (params: Record<string, string>): Record<string, string> => (params.NewPW === undefined ? params : { ...params, NewPW: '***' });

/** The command as the topic and DeviceControlService carry it. */
export function toProtoCommand(command: DeviceCommand): ProtoCommand {
  return ProtoCommand.create({
    id: command.id,
    deviceMn: command.deviceMn,
    commandCode: command.commandCode,
    params: shownParams(command.params),
    origin: ORIGINS[command.origin],
    requestedBy: command.requestedBy,
    state: STATE[command.state],
    requestNumber: command.requestNumber,
    overTimeSeconds: command.overTimeSeconds,
    reCount: command.reCount,
    attempts: command.attempts,
    qnRtn: command.qnRtn,
    exeRtn: command.exeRtn,
    reason: command.reason,
    reasonText: command.reasonText,
    data: command.data.map((item) => ({ commandCode: item.commandCode, receivedTime: item.receivedTime, params: item.params })),
    note: command.note,
    createdTime: command.createdTime,
    updatedTime: command.updatedTime,
    ...(command.sentTime ? { sentTime: command.sentTime } : {}),
    ...(command.finishedTime ? { finishedTime: command.finishedTime } : {}),
    queuedUntil: command.queuedUntil,
  });
}

export const encodeCommandChanged = (command: DeviceCommand): Uint8Array => DeviceCommandChanged.encode({ command: toProtoCommand(command) }).finish();

/** The MN of a queued command in a change event, or undefined for every other change (what instances act on). */
export function queuedDeviceOf(value: Buffer): string | undefined {
  const command = DeviceCommandChanged.decode(value).command;
  return command?.state === CommandState.COMMAND_STATE_QUEUED ? command.deviceMn : undefined;
}
