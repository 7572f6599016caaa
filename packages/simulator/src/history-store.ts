import type { FactorReading } from './readings';

/** History a data logger keeps: its minute (2051) and hour (2061) records. */
export type HistoryCommand = '2051' | '2061';

export interface HistoryRecord {
  /** DataTime on the device's clock: the start of the record's period. */
  dataTimeMs: number;
  readings: readonly FactorReading[];
}

/**
 * What a device measured, kept whether or not it reached the platform, so it can answer 2051/2061 history requests
 * (HJ 212-2017 C.48) after a link outage. Bounded per command, oldest dropped first, as a logger's flash is.
 */
export class HistoryStore {
  private readonly records = new Map<HistoryCommand, HistoryRecord[]>([
    ['2051', []],
    ['2061', []],
  ]);

  constructor(private readonly maxPerCommand = 2_000) {}

  record(cn: HistoryCommand, record: HistoryRecord): void {
    const list = this.records.get(cn);
    if (!list) return;
    // Uploads come in DataTime order; one for a period already kept replaces it (the clock was set back).
    const last = list.at(-1);
    if (last && last.dataTimeMs >= record.dataTimeMs) {
      const index = list.findIndex((item) => item.dataTimeMs >= record.dataTimeMs);
      if (list[index]?.dataTimeMs === record.dataTimeMs) list[index] = record;
      else list.splice(index, 0, record);
    } else list.push(record);
    if (list.length > this.maxPerCommand) list.splice(0, list.length - this.maxPerCommand);
  }

  /** Records whose DataTime lies in [beginMs, endMs], both inclusive (BeginTime = EndTime asks for one period), oldest first. */
  range(cn: HistoryCommand, beginMs: number, endMs: number): HistoryRecord[] {
    return (this.records.get(cn) ?? []).filter((item) => item.dataTimeMs >= beginMs && item.dataTimeMs <= endMs);
  }

  size(cn: HistoryCommand): number {
    return this.records.get(cn)?.length ?? 0;
  }
}
