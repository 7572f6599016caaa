import type { Hj212Frame } from '@ecogrid/standards';
import type { Clock } from './ports';
import type { SendCommand } from './send-command';

export interface CorrectDeviceClocksDeps {
  sendCommand: SendCommand;
  clock: Clock;
  /** Drift (either way) beyond which ingest sets the device's clock; 0 turns automatic correction off. */
  thresholdMs: number;
  /** At most one automatic correction per device connection within this long. */
  minIntervalMs: number;
  onError(error: unknown, mn: string): void;
}

/**
 * Sets device clocks with 1012, recorded as commands of origin `clock`: when a device asks (1013, after its 9013 —
 * HJ 212-2017 Annex C.4: "上位机开始执行设置现场机时间命令"), and when the drift ingest measures from DataTime or an
 * uploaded SystemTime is beyond the threshold. The 1012 carries the platform's time at the moment it is written.
 * Automatic corrections are spaced out per connection, so a device whose clock cannot be set (or that keeps
 * drifting) is not sent a 1012 with every upload.
 */
export function createCorrectDeviceClocks(deps: CorrectDeviceClocksDeps) {
  const lastCorrection = new Map<string, number>();
  const send = (mn: string, params: Record<string, string>, note: string): void => {
    deps.sendCommand({ deviceMn: mn, commandCode: '1012', params, origin: 'clock', requestedBy: 'ingest', note }).catch((error: unknown) => deps.onError(error, mn));
  };
  return {
    /** A 1013 from an authenticated device, answered with its 9013. */
    calibrationRequested(frame: Pick<Hj212Frame, 'mn' | 'cp'>): void {
      const polId = frame.cp.params.PolId;
      send(frame.mn, polId ? { PolId: polId } : {}, '现场机请求校时（1013）');
    },
    /** A drift measured on the device's current connection. */
    driftMeasured(mn: string, driftMs: number): void {
      if (deps.thresholdMs <= 0 || Math.abs(driftMs) <= deps.thresholdMs) return;
      const now = deps.clock.now().getTime();
      const last = lastCorrection.get(mn);
      if (last !== undefined && now - last < deps.minIntervalMs) return;
      lastCorrection.set(mn, now);
      send(mn, {}, `时钟偏差 ${driftMs} ms，超过阈值 ${deps.thresholdMs} ms`);
    },
    /** The device's connection closed: its next connection may be corrected again. */
    forget(mn: string): void {
      lastCorrection.delete(mn);
    },
  };
}

export type CorrectDeviceClocks = ReturnType<typeof createCorrectDeviceClocks>;
