import { abandoned, expire, type DeviceCommand } from '../domain/device-command';
import type { Clock, CommandStore } from './ports';

/**
 * Wakes this instance's devices that have commands waiting — a safety net for a wake-up on the topic that was not read
 * (the consumer was still joining its group) — and ends what no instance will: queued commands whose device did not
 * connect in time expire, and commands in flight whose instance stopped following them (it crashed) time out once
 * their deadline is `graceMs` behind — the grace
 * leaves the instance holding the connection to end them itself. Any instance may sweep; a change runs on the
 * locked row, so two sweeps do not both end one command.
 */
export function createSweepDeviceCommands(deps: { store: CommandStore; clock: Clock; graceMs: number; batch: number; runner: { has(mn: string): boolean; queued(mn: string): void } }) {
  return async function sweepDeviceCommands(): Promise<DeviceCommand[]> {
    for (const mn of await deps.store.queuedDevices(10 * deps.batch)) if (deps.runner.has(mn)) deps.runner.queued(mn);
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
