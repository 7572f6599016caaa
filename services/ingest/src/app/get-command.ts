import { invalidArgument, notFound } from '@ecogrid/domain-errors';
import type { DeviceCommand } from '../domain/device-command';
import type { CommandStore } from './ports';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One command as stored, with everything that happened to it. */
export function createGetCommand(deps: { store: CommandStore }) {
  return async function getCommand(id: string): Promise<DeviceCommand> {
    if (!UUID.test(id)) throw invalidArgument('id', 'id must be a command id (UUID)');
    const command = await deps.store.get(id.toLowerCase());
    if (!command) throw notFound('command', id);
    return command;
  };
}

export type GetCommand = ReturnType<typeof createGetCommand>;
