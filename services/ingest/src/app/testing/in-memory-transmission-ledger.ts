import type { TransmissionEvent, TransmissionLedger, TransmissionRecord } from '../ports';

/** The transmission ledger in memory, for unit tests; `events` is what the real one would queue in the outbox. */
export function createInMemoryTransmissionLedger(): TransmissionLedger & { events: TransmissionEvent[]; days: Map<string, { devices: number; enterprises: number }> } {
  const records = new Map<string, TransmissionRecord>();
  const events: TransmissionEvent[] = [];
  const days = new Map<string, { devices: number; enterprises: number }>();
  const within = (r: TransmissionRecord, commandCode: string, start: Date, end: Date): boolean =>
    r.commandCode === commandCode && r.dataTime.getTime() >= start.getTime() && r.dataTime.getTime() < end.getTime();
  const tallyOf = (list: TransmissionRecord[]) => ({ received: list.length, receivedOnTime: list.filter((r) => r.onTime).length, valid: list.filter((r) => r.flagClass === 'valid').length });
  return {
    events,
    days,
    record: async (added) => {
      for (const r of added) if (!records.has(r.observationId)) records.set(r.observationId, r);
    },
    tally: async (deviceMn, commandCode, start, end) => tallyOf([...records.values()].filter((r) => r.deviceMn === deviceMn && within(r, commandCode, start, end))),
    tallies: async (commandCode, start, end) => {
      const byDevice = new Map<string, TransmissionRecord[]>();
      for (const r of records.values()) if (within(r, commandCode, start, end)) byDevice.set(r.deviceMn, [...(byDevice.get(r.deviceMn) ?? []), r]);
      return new Map([...byDevice].map(([mn, list]) => [mn, tallyOf(list)]));
    },
    devicesOf: async (uscc) => [...new Set([...records.values()].filter((r) => r.enterpriseUscc === uscc).map((r) => r.deviceMn))].sort(),
    allDevices: async () => {
      const latest = new Map<string, TransmissionRecord>();
      for (const r of records.values()) if ((latest.get(r.deviceMn)?.receivedTime.getTime() ?? -1) < r.receivedTime.getTime()) latest.set(r.deviceMn, r);
      return [...latest.values()].map((r) => ({ deviceMn: r.deviceMn, enterpriseUscc: r.enterpriseUscc }));
    },
    prune: async (before) => {
      let pruned = 0;
      for (const [id, r] of records) if (r.dataTime.getTime() < before.getTime() && records.delete(id)) pruned += 1;
      return pruned;
    },
    published: async (day) => days.has(day),
    publishDay: async (day, queued, counts) => {
      if (days.has(day)) return false;
      days.set(day, counts);
      events.push(...queued);
      return true;
    },
  };
}
