import type { Backfill } from '../../domain/backfill';
import type { BackfillStore } from '../ports';

/** The back-fill store in memory, for unit tests. */
export function createInMemoryBackfillStore(): BackfillStore & { all(): Backfill[] } {
  const backfills = new Map<string, Backfill>();
  const ofDevice = (mn: string): Backfill[] => [...backfills.values()].filter((b) => b.deviceMn === mn);
  return {
    all: () => [...backfills.values()],
    open: async (opened) => {
      for (const b of opened) backfills.set(b.id, b);
    },
    claimNext: async (deviceMn, at, commandId) => {
      if (ofDevice(deviceMn).some((b) => b.state === 'requested')) return undefined;
      const next = ofDevice(deviceMn)
        .filter((b) => b.state === 'pending' && b.dueTime.getTime() <= at.getTime())
        .sort((a, b) => b.endTime.getTime() - a.endTime.getTime() || a.commandCode.localeCompare(b.commandCode))[0];
      if (!next) return undefined;
      const claimed: Backfill = { ...next, state: 'requested', attempts: next.attempts + 1, commandId, updatedTime: at };
      backfills.set(claimed.id, claimed);
      return claimed;
    },
    requested: async (limit) => [...backfills.values()].filter((b) => b.state === 'requested').slice(0, limit),
    dueDevices: async (at, limit) =>
      [...new Set([...backfills.values()].filter((b) => b.state === 'pending' && b.dueTime.getTime() <= at.getTime()).map((b) => b.deviceMn))]
        .filter((mn) => !ofDevice(mn).some((b) => b.state === 'requested'))
        .slice(0, limit),
    settle: async (settled, commandId) => {
      const current = backfills.get(settled.id);
      if (!current || current.state !== 'requested' || current.commandId !== commandId) return false;
      backfills.set(settled.id, settled);
      return true;
    },
    list: async (deviceMn, limit) => ofDevice(deviceMn).sort((a, b) => b.createdTime.getTime() - a.createdTime.getTime()).slice(0, limit),
  };
}
