import { describe, expect, it } from 'vitest';
import { DeviceStates } from './device-states';

const so2 = (value: number) => [{ factorCode: 'a21026', kind: 'rtd', value, unit: 'mg/m3', flag: 'N' }];

describe('DeviceStates', () => {
  it('keeps the newest observation by data time, not by arrival', () => {
    const states = new DeviceStates();
    expect(states.observation('MN1', new Date('2026-01-01T10:00:00Z'), so2(5))).toBeDefined();
    expect(states.observation('MN1', new Date('2026-01-01T09:00:00Z'), so2(1))).toBeUndefined();
    expect(states.all()[0]).toMatchObject({ mn: 'MN1', latestAt: '2026-01-01T10:00:00.000Z', latest: so2(5), connection: 'unknown' });
  });

  it('reports a connection change once and forgets it on a tombstone', () => {
    const states = new DeviceStates();
    const at = new Date('2026-01-01T10:00:00Z');
    expect(states.connection('MN1', 'online', at)?.connection).toBe('online');
    expect(states.connection('MN1', 'online', at)).toBeUndefined();
    expect(states.forgetConnection('MN1')?.connection).toBe('unknown');
  });

  it('counts online devices among the registered ones only', () => {
    const states = new DeviceStates();
    states.connection('MN1', 'online', undefined);
    states.connection('MN2', 'offline', undefined);
    states.connection('GHOST', 'online', undefined);
    expect(states.onlineRate(['MN1', 'MN2', 'MN3', 'MN4'])).toEqual({ online: 1, registered: 4, rate: 0.25 });
    expect(states.onlineRate([]).rate).toBeNull();
  });
});
