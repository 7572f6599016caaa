import {
  DeviceControlServiceService,
  type GetCommandRequest,
  type GetCommandResponse,
  type ListCommandsRequest,
  type ListCommandsResponse,
  type SendCommandRequest,
  type SendCommandResponse,
} from '@ecogrid/proto/ingest/v1/device_control';
import { principalOf, unaryHandler, type GrpcServiceBinding } from '@ecogrid/grpc';
import type { Logger } from '@ecogrid/telemetry';
import type { GetCommand } from '../../app/get-command';
import type { ListCommands } from '../../app/list-commands';
import type { SendCommand } from '../../app/send-command';
import { toProtoCommand } from '../kafka/command-encoding';

/** DeviceControlService over the use cases; answers carry the same DeviceCommand as the topic. */
export function deviceControlBinding(deps: { sendCommand: SendCommand; getCommand: GetCommand; listCommands: ListCommands; logger: Logger }): GrpcServiceBinding {
  const logger = deps.logger.child({ module: 'device-control-grpc' });
  return {
    definition: DeviceControlServiceService,
    name: 'ecogrid.ingest.v1.DeviceControlService',
    implementation: {
      sendCommand: unaryHandler<SendCommandRequest, SendCommandResponse>('SendCommand', logger, async (request, call) => {
        const command = await deps.sendCommand({
          deviceMn: request.deviceMn,
          commandCode: request.commandCode,
          params: request.params,
          overTimeSeconds: request.overTimeSeconds,
          ...(request.reCount === undefined ? {} : { reCount: request.reCount }),
          origin: 'operator',
          // The interceptor let the call through only with a verified principal.
          requestedBy: principalOf(call)?.subject ?? 'unknown',
        });
        logger.info({ commandId: command.id, mn: command.deviceMn, cn: command.commandCode, by: command.requestedBy }, 'device command queued');
        return { command: toProtoCommand(command) };
      }),
      getCommand: unaryHandler<GetCommandRequest, GetCommandResponse>('GetCommand', logger, async (request) => ({ command: toProtoCommand(await deps.getCommand(request.id)) })),
      listCommands: unaryHandler<ListCommandsRequest, ListCommandsResponse>('ListCommands', logger, async (request) => {
        const page = await deps.listCommands({ deviceMn: request.deviceMn, pageSize: request.pageSize, pageToken: request.pageToken });
        return { commands: page.commands.map(toProtoCommand), nextPageToken: page.nextPageToken };
      }),
    },
  };
}
