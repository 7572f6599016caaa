import { describe, expect, it } from 'vitest';
import type { Cell, Officer, Township } from '../domain/entities';
import { createLocateCell, type GridLocation, type GridView } from './locate-cell';

const township: Township = { code: 'T1', name: 'One', kind: 'town', supervisorOfficerId: '', districtCode: '' };
const cell: Cell = { id: 'C1', name: 'C1', townshipCode: 'T1', geometryGeojson: '', version: 1, areaM2: 0 };
const officerOf = (id: string, role: Officer['role']): Officer => ({ id, name: id, role, townshipCode: 'T1', cellIds: role === 'grid_officer' ? ['C1'] : [], contact: '', roster: [], active: true });
const officer = officerOf('GO-C1', 'grid_officer');

/** A view with one cell everywhere east of lon 0, whose answer and supervisor the test can replace. */
function fakeView(): { view: GridView; set(answer: GridLocation): void; setSupervisor(officer: Officer | undefined): void } {
  let answer: GridLocation = { cell, township, onDutyOfficer: officer, onDutySource: 'responsible_officer' };
  let supervisor: Officer | undefined = officerOf('SUP-1', 'supervisor');
  const view: GridView = {
    gridChangedAt: 0,
    locate: (lon) => (lon > 0 ? answer : undefined),
    township: () => township,
    onDutyOfficer: () => answer.onDutyOfficer,
    supervisorOf: () => supervisor,
  };
  return { view, set: (next) => (answer = next), setSupervisor: (next) => (supervisor = next) };
}

const noHistory = { cellAt: () => Promise.reject(new Error('not asked')) };

describe('createLocateCell', () => {
  it('answers the same object for lookups landing on the same answer of the view and the same supervisor', async () => {
    const { view } = fakeView();
    const locate = createLocateCell({ view, registry: noHistory, clock: { now: () => new Date(1_000) } });
    const first = await locate(110.9, 34.9);
    const second = await locate(111.1, 35.0);
    expect(first).toMatchObject({ cell: { id: 'C1' }, township: { code: 'T1' }, onDutyOfficer: { id: 'GO-C1' }, onDutySource: 'responsible_officer', supervisor: { id: 'SUP-1' } });
    expect(second).toBe(first);
  });

  it('answers anew when the view answers a new object (a roster or cell change) or the supervisor changed', async () => {
    const fake = fakeView();
    const locate = createLocateCell({ view: fake.view, registry: noHistory, clock: { now: () => new Date(1_000) } });
    const before = await locate(110.9, 34.9);
    const other = officerOf('GO-C1-B', 'grid_officer');
    fake.set({ cell, township, onDutyOfficer: other, onDutySource: 'roster_shift' });
    const afterRoster = await locate(110.9, 34.9);
    expect(afterRoster).not.toBe(before);
    expect(afterRoster).toMatchObject({ onDutyOfficer: { id: 'GO-C1-B' }, onDutySource: 'roster_shift', supervisor: { id: 'SUP-1' } });
    fake.setSupervisor(undefined);
    const afterSupervisor = await locate(110.9, 34.9);
    expect(afterSupervisor).not.toBe(afterRoster);
    expect(afterSupervisor?.supervisor).toBeUndefined();
    expect(afterSupervisor?.onDutyOfficer?.id).toBe('GO-C1-B');
  });

  it('answers nothing outside the grid and rejects a point that is no coordinate', async () => {
    const locate = createLocateCell({ view: fakeView().view, registry: noHistory, clock: { now: () => new Date(1_000) } });
    expect(await locate(-10, 34.9)).toBeUndefined();
    await expect(locate(Number.NaN, 34.9)).rejects.toMatchObject({ field: 'point.lon' });
    await expect(locate(110.9, 95)).rejects.toMatchObject({ field: 'point.lat' });
  });
});
