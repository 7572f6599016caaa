import type { DeviceCommand } from '../../domain/device-command';
import type { CommandStore } from '../ports';

/** The command store in memory, for unit tests; `changes` is what the real one would publish, in order. */
export function createInMemoryCommandStore(): CommandStore & { changes: DeviceCommand[]; all(): DeviceCommand[] } {
  const commands = new Map<string, DeviceCommand>();
  const changes: DeviceCommand[] = [];
  const save = (command: DeviceCommand): DeviceCommand => {
    commands.set(command.id, command);
    changes.push(command);
    return command;
  };
  return {
    changes,
    all: () => [...commands.values()],
    add: async (command, maxQueued) => {
      const queued = [...commands.values()].filter((c) => c.deviceMn === command.deviceMn && c.state === 'queued').length;
      if (queued >= maxQueued) return false;
      save(command);
      return true;
    },
    claimNext: async (deviceMn, at, change) => {
      const next = [...commands.values()]
        .filter((c) => c.deviceMn === deviceMn && c.state === 'queued' && c.queuedUntil.getTime() > at.getTime())
        .sort((a, b) => a.createdTime.getTime() - b.createdTime.getTime())[0];
      const changed = next ? change(next) : null;
      return changed ? save(changed) : undefined;
    },
    update: async (id, change) => {
      const current = commands.get(id);
      const changed = current ? change(current) : null;
      return changed ? save(changed) : undefined;
    },
    get: async (id) => commands.get(id),
    list: async (deviceMn, limit, after) =>
      [...commands.values()]
        .filter((c) => c.deviceMn === deviceMn)
        .sort((a, b) => b.createdTime.getTime() - a.createdTime.getTime() || b.id.localeCompare(a.id))
        .filter((c) => !after || c.createdTime.getTime() < after.createdTime.getTime() || (c.createdTime.getTime() === after.createdTime.getTime() && c.id < after.id))
        .slice(0, limit),
    overdue: async (at, graceMs) =>
      [...commands.values()]
        .filter((c) => (c.state === 'queued' && c.queuedUntil.getTime() <= at.getTime()) || ((c.state === 'sent' || c.state === 'accepted') && c.deadline !== null && c.deadline.getTime() <= at.getTime() - graceMs))
        .map((c) => c.id),
    queuedDevices: async (limit) => [...new Set([...commands.values()].filter((c) => c.state === 'queued').map((c) => c.deviceMn))].slice(0, limit),
  };
}
