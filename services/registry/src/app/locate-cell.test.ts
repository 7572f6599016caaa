import { describe, expect, it } from 'vitest';
import { Cell, Officer, OfficerRole, Township } from '@ecogrid/proto/registry/v1/entities';
import type { LocateResult } from '@ecogrid/registry-view';
import { createLocateCell, type GridView } from './locate-cell';

const township = Township.create({ code: 'T1', name: 'One' });
const cell = Cell.create({ id: 'C1', townshipCode: 'T1', version: 1 });
const officer = Officer.create({ id: 'GO-C1', role: OfficerRole.OFFICER_ROLE_GRID_OFFICER, townshipCode: 'T1', cellIds: ['C1'], active: true });

/** A view with one cell everywhere east of lon 0, whose answer and supervisor the test can replace. */
function fakeView(): { view: GridView; set(answer: LocateResult): void; setSupervisor(officer: Officer | undefined): void } {
  let answer: LocateResult = { cell, township, onDutyOfficer: officer, onDutySource: 'responsible_officer' };
  let supervisor: Officer | undefined = Officer.create({ id: 'SUP-1', role: OfficerRole.OFFICER_ROLE_SUPERVISOR, townshipCode: 'T1', active: true });
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
    const other = Officer.create({ id: 'GO-C1-B', role: OfficerRole.OFFICER_ROLE_GRID_OFFICER, townshipCode: 'T1', cellIds: ['C1'], active: true });
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
