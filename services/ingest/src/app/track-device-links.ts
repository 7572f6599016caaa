import { connectionReport, type ClockDriftTracker } from '../domain/device-status';
import type { Clock, StatusSink } from './ports';

export interface TrackDeviceLinksDeps {
  status: StatusSink;
  clock: Clock;
  clockDrift: ClockDriftTracker;
}

/**
 * A device is online from its first frame accepted on a connection until its last connection to this instance
 * closes; each transition is published as the device's `connection` status. Counting connections matters because a
 * device that reconnects often opens the new connection before the old one has timed out: the old one's close must
 * not mark it offline. A device that comes back has its clock measured afresh.
 */
export function createTrackDeviceLinks(deps: TrackDeviceLinksDeps) {
  const connections = new Map<string, number>();
  return {
    connected(mn: string, protocolVersion: string): Promise<void> {
      const count = connections.get(mn) ?? 0;
      connections.set(mn, count + 1);
      if (count > 0) return Promise.resolve();
      return deps.status.report([connectionReport(mn, 'online', deps.clock.now(), protocolVersion)]);
    },
    disconnected(mn: string): Promise<void> {
      const count = connections.get(mn) ?? 0;
      if (count > 1) {
        connections.set(mn, count - 1);
        return Promise.resolve();
      }
      connections.delete(mn);
      deps.clockDrift.forget(mn);
      return deps.status.report([connectionReport(mn, 'offline', deps.clock.now())]);
    },
    /** Devices with at least one connection to this instance. */
    online(): number {
      return connections.size;
    },
  };
}

export type TrackDeviceLinks = ReturnType<typeof createTrackDeviceLinks>;
