import { describe, expect, it } from 'vitest';
import { activatePlan, close, declare, dismiss, suggestedLevel } from './incident';
import { incident } from './testing/fixtures';

const T0 = new Date('2026-12-06T08:00:00Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const HOLD_MS = 30 * 60_000;

describe('incident life cycle', () => {
  it('goes proposed → declared → responding → closed once the readings have held under the limits', () => {
    const declared = declare(incident(), 'dispatcher-1', at(5), 'III');
    expect(declared).toMatchObject({ status: 'declared', level: 'III', declaredBy: 'dispatcher-1', version: 2 });
    const responding = activatePlan(declared, { id: 'P', version: 3 }, at(6));
    expect(responding).toMatchObject({ status: 'responding', planId: 'P', planVersion: 3 });
    expect(() => close(responding, at(60), HOLD_MS)).toThrow(expect.objectContaining({ reason: 'readings_not_recovered' }));
    const recovering = { ...responding, recoveredSince: at(40) };
    expect(() => close(recovering, at(60), HOLD_MS)).toThrow(expect.objectContaining({ reason: 'readings_not_recovered_long_enough' }));
    expect(close(recovering, at(70), HOLD_MS)).toMatchObject({ status: 'closed', closedAt: at(70) });
  });

  it('closes an incident without stations on the dispatcher’s word', () => {
    expect(close(declare(incident({ stationMns: [] }), 'd', at(1)), at(2), HOLD_MS).status).toBe('closed');
  });

  it('refuses steps out of order with a stable reason', () => {
    expect(() => activatePlan(incident(), { id: 'P', version: 1 }, at(1))).toThrow(expect.objectContaining({ reason: 'not_declared' }));
    const responding = activatePlan(declare(incident(), 'd', at(1)), { id: 'P', version: 1 }, at(2));
    expect(() => activatePlan(responding, { id: 'P', version: 1 }, at(3))).toThrow(expect.objectContaining({ reason: 'plan_already_activated' }));
    expect(() => declare(responding, 'd', at(3))).toThrow(expect.objectContaining({ reason: 'not_proposed' }));
    expect(() => dismiss(responding)).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION' }));
    expect(dismiss(incident()).status).toBe('dismissed');
  });

  it('suggests 较大 for a water source at twice its limit or more, else 一般', () => {
    expect(suggestedLevel('water_source', 1.2)).toBe('III');
    expect(suggestedLevel('water_source', 0.5)).toBe('IV');
    expect(suggestedLevel('toxic_gas', 3)).toBe('IV');
  });
});
