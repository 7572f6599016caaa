import { describe, expect, it } from 'vitest';
import type { GridDirectory } from '../../src/app/ports';
import type { GridFixture } from './in-memory-grid-directory';
import { GRID } from './grid-fixture';

/** What every GridDirectory must answer for the GRID fixture; run against the in-memory twin and the registry adapter. */
export function gridDirectoryContract(name: string, make: (fixture: GridFixture) => GridDirectory): void {
  describe(`GridDirectory contract: ${name}`, () => {
    const grid = make(GRID);
    const afterShift = new Date('2026-11-29T10:00:00Z');
    const duringShift = new Date('2026-11-29T03:00:00Z');

    it('locates a point in its cell and township, and nothing outside the grid', () => {
      expect(grid.locate({ lon: 111.005, lat: 35.005 }, afterShift)).toEqual({ cellId: 'C-01', townshipCode: '140802001' });
      expect(grid.locate({ lon: 111.025, lat: 35.005 }, afterShift)).toEqual({ cellId: 'C-03', townshipCode: '140802002' });
      expect(grid.locate({ lon: 112.5, lat: 36.5 }, afterShift)).toBeUndefined();
      expect(grid.cell('C-02')).toEqual({ cellId: 'C-02', townshipCode: '140802001' });
      expect(grid.cell('C-404')).toBeUndefined();
    });

    it('names the officer on a roster shift, else the responsible grid officer', () => {
      expect(grid.onDutyOfficer('C-01', duringShift)).toEqual({ officerId: 'O-002', source: 'roster_shift' });
      expect(grid.onDutyOfficer('C-01', afterShift)).toEqual({ officerId: 'O-001', source: 'responsible_officer' });
    });

    it('never names an inactive officer, and nobody where nobody is responsible', () => {
      expect(grid.onDutyOfficer('C-02', afterShift)).toBeUndefined();
      expect(grid.onDutyOfficer('C-03', afterShift)).toBeUndefined();
    });

    it('knows the supervisor of a unit, and that a unit may have none', () => {
      expect(grid.supervisorOf('140802001')).toBe('S-001');
      expect(grid.supervisorOf('140802002')).toBeUndefined();
    });

    it('describes officers by role and activity', () => {
      expect(grid.officer('O-001')).toMatchObject({ id: 'O-001', role: 'grid_officer', townshipCode: '140802001', active: true });
      expect(grid.officer('S-001')).toMatchObject({ role: 'supervisor', active: true });
      expect(grid.officer('O-009')).toMatchObject({ active: false });
      expect(grid.officer('nobody')).toBeUndefined();
    });

    it('places a device with its cell and enterprise', () => {
      expect(grid.device('MN-0001')).toEqual({ location: { lon: 111.005, lat: 35.005 }, cellId: 'C-01', townshipCode: '140802001', enterpriseUscc: '91140800MA0GRID01X' });
      expect(grid.device('MN-404')).toBeUndefined();
    });

    it('finds sensitive targets within the radius only, not risk sources', () => {
      expect(grid.sensitiveTargetsNear({ lon: 111.005, lat: 35.005 }, 500)).toEqual([{ id: 'T-SCHOOL', kind: 'school' }]);
      expect(grid.sensitiveTargetsNear({ lon: 111.025, lat: 35.005 }, 500)).toEqual([]);
    });
  });
}
