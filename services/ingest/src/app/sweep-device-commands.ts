import { abandoned, expire, type DeviceCommand } from '../domain/device-command';
import type { Clock, CommandStore } from './ports';

/**
 * Ends what no instance will: queued commands whose device did not connect in time expire, and commands in flight
 * whose instance stopped following them (it crashed) time out once their deadline is `graceMs` behind — the grace
 * leaves the instance holding the connection to end them itself. Any instance may sweep; a change runs on the
 * locked row, so two sweeps do not both end one command.
 */
export function createSweepDeviceCommands(deps: { store: CommandStore; clock: Clock; graceMs: number; batch: number }) {
  return async function sweepDeviceCommands(): Promise<DeviceCommand[]> {
    const at = deps.clock.now();
    const ended: DeviceCommand[] = [];
    for (const id of await deps.store.overdue(at, deps.graceMs, deps.batch)) {
      const updated = await deps.store.update(id, (command) => {
        const transition = command.state === 'queued' ? expire(command, at) : abandoned(command, at, deps.graceMs);
        return transition.ok ? transition.command : null;
      });
      if (updated) ended.push(updated);
    }
    return ended;
  };
}

export type SweepDeviceCommands = ReturnType<typeof createSweepDeviceCommands>;
