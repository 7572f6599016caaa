import { describe, expect, it } from 'vitest';
import { Cell, Officer, OfficerRole, Township } from '@ecogrid/proto/registry/v1/entities';
import { createRegistryViewFromSnapshot } from '@ecogrid/registry-view';
import { createGridView } from './grid-view';

const square = JSON.stringify({ type: 'Polygon', coordinates: [[[111, 35], [111.01, 35], [111.01, 35.01], [111, 35.01], [111, 35]]] });

describe('createGridView', () => {
  it('answers the registry view in domain terms, the same object for the same wire answer', () => {
    const view = createRegistryViewFromSnapshot({
      townships: [Township.create({ code: 'T1', name: '解州镇', kind: 'town' })],
      cells: [Cell.create({ id: 'C1', name: 'C1', townshipCode: 'T1', geometryGeojson: square, version: 1, validFrom: new Date(0) })],
      officers: [
        Officer.create({ id: 'GO-C1', name: 'g', role: OfficerRole.OFFICER_ROLE_GRID_OFFICER, townshipCode: 'T1', cellIds: ['C1'], active: true }),
        Officer.create({ id: 'SV-T1', name: 's', role: OfficerRole.OFFICER_ROLE_SUPERVISOR, townshipCode: 'T1', active: true }),
      ],
    });
    const grid = createGridView(view);
    const at = Date.parse('2026-12-06T04:00:00Z');
    const first = grid.locate(111.005, 35.005, at);
    expect(first).toMatchObject({ cell: { id: 'C1', version: 1 }, township: { code: 'T1', name: '解州镇' }, onDutyOfficer: { id: 'GO-C1', role: 'grid_officer' }, onDutySource: 'responsible_officer' });
    expect(grid.locate(111.002, 35.008, at)).toBe(first);
    expect(grid.supervisorOf('T1')).toMatchObject({ id: 'SV-T1', role: 'supervisor' });
    expect(grid.supervisorOf('T1')).toBe(grid.supervisorOf('T1'));
    expect(grid.locate(112, 35, at)).toBeUndefined();
    expect(grid.gridChangedAt).toBe(view.gridChangedAt);
  });
});
