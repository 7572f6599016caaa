import { describe, expect, it } from 'vitest';
import { mayReceive, type LiveEvent } from './live-event';

const caseEvent = (assigneeOfficerId: string, townshipCode = '140802203'): LiveEvent => ({ kind: 'case', id: 'c1', townshipCode, assigneeOfficerId, data: {} });
const alert: LiveEvent = { kind: 'alert', id: 'a1', townshipCode: '140802203', data: {} };

describe('who receives which live event', () => {
  it('gives an officer only the cases assigned to them, and no alerts', () => {
    const officer = { username: 'o', displayName: 'O', role: 'officer' as const, officerId: 'GO-YH0001' };
    expect(mayReceive(officer, caseEvent('GO-YH0001'))).toBe(true);
    expect(mayReceive(officer, caseEvent('GO-YH0002'))).toBe(false);
    expect(mayReceive(officer, alert)).toBe(false);
  });

  it('gives a supervisor their township unit only, and a dispatcher everything', () => {
    const supervisor = { username: 's', displayName: 'S', role: 'supervisor' as const, officerId: 'SV-1', townshipCode: '140802203' };
    expect(mayReceive(supervisor, caseEvent('GO-YH0002'))).toBe(true);
    expect(mayReceive(supervisor, caseEvent('GO-YH0900', '140802001'))).toBe(false);
    expect(mayReceive({ username: 'd', displayName: 'D', role: 'dispatcher' }, caseEvent('GO-YH0900', '140802001'))).toBe(true);
  });

  it('gives a role without case access nothing but air quality', () => {
    const steward = { username: 'x', displayName: 'X', role: 'data_steward' as const };
    expect(mayReceive(steward, alert)).toBe(false);
    expect(mayReceive(steward, { kind: 'aqi', id: 's', data: {} })).toBe(true);
  });
});
