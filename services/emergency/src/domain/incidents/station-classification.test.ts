import { describe, expect, it } from 'vitest';
import { classifyStation } from './station-classification';
import { CHEMICAL_STORE, RIVER, WATER_SOURCE, station } from './testing/fixtures';

const context = { waterSources: [WATER_SOURCE], riskSources: [CHEMICAL_STORE], rivers: [RIVER] };

describe('classifyStation', () => {
  it('takes a water station in a drinking-water source protection zone for that source, on its river', () => {
    expect(classifyStation(station(), 'w21003', context)).toEqual({ kind: 'water_source', targetId: 'WS1', riverId: 'R1' });
  });

  it('takes a station inside both protection zones of a source for the innermost (一级) zone, whatever the order', () => {
    const outer = { ...WATER_SOURCE, id: 'WS1-2', geometry: { type: 'Polygon' as const, coordinates: [[[110.94, 34.99], [110.96, 34.99], [110.96, 35.01], [110.94, 35.01], [110.94, 34.99]]] as Array<Array<[number, number]>> } };
    for (const waterSources of [[outer, WATER_SOURCE], [WATER_SOURCE, outer]]) {
      expect(classifyStation(station(), 'w21003', { ...context, waterSources })?.targetId).toBe('WS1');
    }
  });

  it('takes a water station on a river, away from any source, for a river section', () => {
    expect(classifyStation(station({ lon: 111.05 }), 'w01018', context)).toEqual({ kind: 'river_section', targetId: '', riverId: 'R1' });
  });

  it('proposes nothing for a water station off every river and source', () => {
    expect(classifyStation(station({ lon: 111.05, lat: 35.2 }), 'w01018', context)).toBeUndefined();
  });

  it('takes an air station beside a hazardous-chemical store for a toxic-gas monitor, for gases only', () => {
    const air = station({ kind: 'micro_air_station', lon: 111.201, lat: 35.1, factorCodes: ['a21026', 'a34004'] });
    expect(classifyStation(air, 'a21026', context)).toEqual({ kind: 'toxic_gas', targetId: 'RISK1', riverId: '' });
    expect(classifyStation(air, 'a34004', context)).toBeUndefined();
  });

  it('takes an air station measuring a toxic gas for a toxic-gas monitor when that gas is exceeded', () => {
    const air = station({ kind: 'micro_air_station', lon: 110.6, lat: 35.3, factorCodes: ['a21001', 'a21026'] });
    expect(classifyStation(air, 'a21001', context)?.kind).toBe('toxic_gas');
    expect(classifyStation(air, 'a21026', context)).toBeUndefined();
  });

  it('never takes a stack CEMS for an incident station: a stack above its permit is an emission case', () => {
    const cems = station({ kind: 'flue_gas_cems', lon: 111.2, lat: 35.1, factorCodes: ['a21026'] });
    expect(classifyStation(cems, 'a21026', context)).toBeUndefined();
  });
});
