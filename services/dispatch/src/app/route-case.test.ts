import { describe, expect, it } from 'vitest';
import { createInMemoryGridDirectory } from '../../test/contracts/in-memory-grid-directory';
import { GRID } from '../../test/contracts/grid-fixture';
import { DEADLINE_POLICY_V1 } from '../domain/deadline-policy.v1';
import type { CaseState } from '../domain/case';
import { routeCase } from './route-case';
import { timersFor } from './runtime';

const grid = createInMemoryGridDirectory(GRID);
const duringShift = new Date('2026-11-29T03:00:00Z');
const afterShift = new Date('2026-11-29T10:00:00Z');

describe('routing a case', () => {
  it('goes to the officer on a roster shift, else to the responsible officer, with the reason', () => {
    expect(routeCase(grid, { location: { lon: 111.005, lat: 35.005 } }, duringShift)).toEqual({
      place: { cellId: 'C-01', townshipCode: '140802001' },
      assignment: { officerId: 'O-002', reason: 'on a duty-roster shift in cell C-01' },
    });
    expect(routeCase(grid, { cellId: 'C-01' }, afterShift).assignment).toEqual({ officerId: 'O-001', reason: 'the responsible grid officer in cell C-01' });
  });

  it('falls back to the unit supervisor, and to nobody when the unit has none', () => {
    expect(routeCase(grid, { location: { lon: 111.015, lat: 35.005 } }, afterShift).assignment).toEqual({
      officerId: 'S-001',
      reason: 'no officer on duty in cell C-02: the supervisor of township 140802001',
    });
    const nobody = routeCase(grid, { location: { lon: 111.025, lat: 35.005 } }, afterShift);
    expect(nobody.assignment).toBeUndefined();
    expect(nobody.unassignedReason).toBe('nobody on duty in cell C-03 and no supervisor for township 140802002');
    expect(routeCase(grid, { location: { lon: 100, lat: 20 } }, afterShift)).toEqual({ unassignedReason: 'no cell covers the location' });
  });

  it('honours a dispatcher’s choice only for an active officer', () => {
    expect(routeCase(grid, { cellId: 'C-01', chosenOfficerId: 'S-001', chosenBy: 'd1' }, afterShift).assignment).toEqual({ officerId: 'S-001', reason: 'chosen by d1' });
    expect(() => routeCase(grid, { cellId: 'C-01', chosenOfficerId: 'O-009' }, afterShift)).toThrow(/not active/);
    expect(() => routeCase(grid, { cellId: 'C-01', chosenOfficerId: 'ghost' }, afterShift)).toThrow(/not in the registry/);
  });
});

describe('deadline timers of a case', () => {
  const start = new Date('2026-11-29T00:00:00Z');
  const dispatched: CaseState = {
    id: 'YH-20261129-000001',
    status: 'dispatched',
    source: 'manual',
    priority: 'urgent',
    caseType: 'noise',
    title: 't',
    description: '',
    escalationLevel: 0,
    createdAt: start,
    updatedAt: start,
    version: 2,
    step: 'accept',
    stepStartedAt: start,
    stepDeadline: new Date(start.getTime() + 15 * 60_000),
  };
  const runtime = { policy: DEADLINE_POLICY_V1, timeScale: 1 };

  it('reminds at 80 %, escalates at the deadline and again half a step later', () => {
    expect(timersFor(dispatched, runtime, start)).toEqual([
      { kind: 'remind', dueAt: new Date(start.getTime() + 12 * 60_000), step: 'accept' },
      { kind: 'overdue', dueAt: new Date(start.getTime() + 15 * 60_000), step: 'accept' },
      { kind: 'escalate_again', dueAt: new Date(start.getTime() + 22.5 * 60_000), step: 'accept' },
    ]);
  });

  it('skips a reminder already past, stops at the top of the ladder, and only waits for the end of a suspension', () => {
    const late = new Date(start.getTime() + 13 * 60_000);
    expect(timersFor({ ...dispatched, escalationLevel: 2 }, runtime, late).map((timer) => timer.kind)).toEqual(['overdue']);
    const until = new Date(start.getTime() + 3_600_000);
    expect(timersFor({ ...dispatched, status: 'suspended', suspendedUntil: until }, runtime, start)).toEqual([{ kind: 'resume', dueAt: until }]);
    expect(timersFor({ ...dispatched, status: 'verified', step: undefined, stepDeadline: undefined } as unknown as CaseState, runtime, start)).toEqual([]);
  });
});
