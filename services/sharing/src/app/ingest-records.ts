import type { IncomingRecord } from './ports';
import type { SharingRuntime } from './runtime';

/** Stores what the feeds delivered and wakes the push subscribers when anything new was stored. */
export function createIngestRecords(runtime: SharingRuntime) {
  return async (records: readonly IncomingRecord[]): Promise<number> => {
    if (records.length === 0) return 0;
    const stored = await runtime.records.upsert(records);
    if (stored > 0) runtime.signal.notify();
    return stored;
  };
}
