import { invalidArgument } from '@ecogrid/domain-errors';
import type { DeviceCommand } from '../domain/device-command';
import type { CommandStore } from './ports';

export interface CommandPage {
  commands: DeviceCommand[];
  nextPageToken: string;
}

const encodeToken = (command: DeviceCommand): string => Buffer.from(`${command.createdTime.toISOString()}|${command.id}`).toString('base64url');

function decodeToken(token: string): { createdTime: Date; id: string } {
  const [time, id] = Buffer.from(token, 'base64url').toString('utf8').split('|');
  const createdTime = new Date(time ?? '');
  if (!id || Number.isNaN(createdTime.getTime())) throw invalidArgument('page_token', 'page_token is not one this service gave');
  return { createdTime, id };
}

/** A device's commands, newest first, a page at a time (keyset: stable while new commands arrive). */
export function createListCommands(deps: { store: Pick<CommandStore, 'list'> }) {
  return async function listCommands(input: { deviceMn: string; pageSize: number; pageToken: string }): Promise<CommandPage> {
    const mn = input.deviceMn.trim();
    if (!mn) throw invalidArgument('device_mn', 'device_mn is required', 'missing_field');
    const pageSize = input.pageSize || 50;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) throw invalidArgument('page_size', 'page_size must be between 1 and 200');
    const after = input.pageToken ? decodeToken(input.pageToken) : undefined;
    const rows = await deps.store.list(mn, pageSize + 1, after);
    const commands = rows.slice(0, pageSize);
    const last = commands[commands.length - 1];
    return { commands, nextPageToken: rows.length > pageSize && last ? encodeToken(last) : '' };
  };
}

export type ListCommands = ReturnType<typeof createListCommands>;
