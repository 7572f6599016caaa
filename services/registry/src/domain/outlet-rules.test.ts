import { describe, expect, it } from 'vitest';
import type { Enterprise } from './entities';
import { checkOutletsKept, withOutletDevices } from './outlet-rules';

const enterprise: Enterprise = {
  uscc: '914403001922038216',
  name: '盐湖化工',
  industry: 'chemicals',
  keyDischargeUnit: true,
  permitNumber: 'P-1',
  location: { lon: 111, lat: 35 },
  townshipCode: 'T1',
  cellId: 'C1',
  outlets: [
    { id: 'DA001', name: 'stack', kind: 'flue_gas', location: { lon: 111, lat: 35 }, deviceMns: ['STALE'], permitLimits: [] },
    { id: 'DW001', name: 'drain', kind: 'wastewater', location: { lon: 111, lat: 35 }, deviceMns: [], permitLimits: [] },
  ],
};

describe('withOutletDevices', () => {
  it('lists each outlet’s devices by MN in order, derived from the devices alone', () => {
    const derived = withOutletDevices(enterprise, [
      { mn: 'M3', outletId: 'DA001' },
      { mn: 'M1', outletId: 'DA001' },
      { mn: 'M2', outletId: 'DW001' },
      { mn: 'M0', outletId: '' },
    ]);
    expect(derived.outlets.map((outlet) => [outlet.id, outlet.deviceMns])).toEqual([
      ['DA001', ['M1', 'M3']],
      ['DW001', ['M2']],
    ]);
    expect(enterprise.outlets[0]?.deviceMns).toEqual(['STALE']);
  });

  it('empties the lists when no device is attached', () => {
    expect(withOutletDevices(enterprise, []).outlets.map((outlet) => outlet.deviceMns)).toEqual([[], []]);
  });
});

describe('checkOutletsKept', () => {
  it('lets an enterprise drop an outlet no device is attached to', () => {
    const withoutDrain = { ...enterprise, outlets: enterprise.outlets.slice(0, 1) };
    expect(() => checkOutletsKept(withoutDrain, [{ mn: 'M1', outletId: 'DA001' }, { mn: 'M0', outletId: '' }])).not.toThrow();
  });

  it('refuses to drop an outlet that still has devices, naming it, as a conflict', () => {
    const withoutStack = { ...enterprise, outlets: enterprise.outlets.slice(1) };
    expect(() => checkOutletsKept(withoutStack, [{ mn: 'M1', outletId: 'DA001' }, { mn: 'M3', outletId: 'DA001' }])).toThrow(
      expect.objectContaining({ code: 'FAILED_PRECONDITION', reason: 'outlet_in_use', message: 'enterprise 914403001922038216 would lose outlet DA001, which still has devices' }),
    );
  });
});
