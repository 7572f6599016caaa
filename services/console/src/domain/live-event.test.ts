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

  it('gives every role the heavy-pollution warnings, the district roles obligation breaches, and incidents to the command center and their township supervisor', () => {
    const warning: LiveEvent = { kind: 'warning', id: 'W-1', data: {} };
    const breach: LiveEvent = { kind: 'obligation', id: 'O-1', data: {} };
    const incident: LiveEvent = { kind: 'incident', id: 'INC-1', townshipCode: '140802203', data: {} };
    const early: LiveEvent = { kind: 'early_warning', id: 'EW-1', townshipCode: '140802001', data: {} };
    const officer = { username: 'o', displayName: 'O', role: 'officer' as const, officerId: 'GO-YH0001', townshipCode: '140802203' };
    const supervisor = { username: 's', displayName: 'S', role: 'supervisor' as const, officerId: 'SV-1', townshipCode: '140802203' };
    const dispatcher = { username: 'd', displayName: 'D', role: 'dispatcher' as const };
    expect([warning, breach, incident, early].map((event) => mayReceive(dispatcher, event))).toEqual([true, true, true, true]);
    expect([warning, breach, incident, early].map((event) => mayReceive(supervisor, event))).toEqual([true, false, true, false]);
    expect([warning, breach, incident, early].map((event) => mayReceive(officer, event))).toEqual([true, false, false, false]);
    expect(mayReceive({ username: 'x', displayName: 'X', role: 'data_steward' }, incident)).toBe(false);
  });
});
