import type { DeviceProfile } from '../../domain/device-access';
import type { Observation } from '../../domain/observation';
import { createInMemoryObservationMemory } from './in-memory-observation-memory';
import type { DeviceDirectory, IngestCounters, ObservationSink, Rejection, RejectionSink } from '../ports';

export function deviceProfile(overrides: Partial<DeviceProfile> & { mn: string }): DeviceProfile {
  return {
    password: 'secret',
    enabled: true,
    protocolVersion: '2017',
    tolerant: false,
    enterpriseUscc: '91140800MA0K000001',
    cellId: 'YH-C0001',
    townshipCode: '140802001',
    units: new Map([['a21026', 'mg/m3']]),
    ...overrides,
  };
}

export function fakeDevices(profiles: DeviceProfile[]): DeviceDirectory {
  const byMn = new Map(profiles.map((profile) => [profile.mn, profile]));
  return { profile: (mn) => byMn.get(mn) };
}

export function fakeSink(options: { fail?: boolean } = {}): ObservationSink & { stored: Observation[] } {
  const stored: Observation[] = [];
  return {
    stored,
    record: async (observations) => {
      if (options.fail) throw new Error('broker unavailable');
      stored.push(...observations);
    },
  };
}

export function fakeRejections(): RejectionSink & { rejected: Rejection[] } {
  const rejected: Rejection[] = [];
  return { rejected, reject: async (items) => void rejected.push(...items) };
}

export function countingCounters(): IngestCounters & { duplicates: number; memoryFailures: number } {
  const counters = {
    duplicates: 0,
    memoryFailures: 0,
    duplicate: () => void (counters.duplicates += 1),
    memoryUnavailable: () => void (counters.memoryFailures += 1),
  };
  return counters;
}

export { createInMemoryObservationMemory };
