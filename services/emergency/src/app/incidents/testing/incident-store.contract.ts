import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealTimelineEntry, type TimelineEntry } from '../../../domain/incidents/timeline';
import { incident } from '../../../domain/incidents/testing/fixtures';
import type { Plan, TaskCaseRequest } from '../../../domain/incidents/plan';
import type { IncidentStore } from '../ports';

const KEY = { id: 'k1', secret: 'contract' };
const AT = new Date('2026-12-06T08:00:00.000Z');

const plan = (id: string, version: number): Plan => ({
  id,
  version,
  name: `预案 ${id}`,
  triggerKind: 'water_source',
  triggerLevels: ['III', 'IV'],
  targetId: '',
  tasks: [{ taskId: 't1', department: '区环境监测站', officerId: '', title: '加密监测', description: '', deadlineMinutes: 60, priority: 'high' }],
  createdAt: AT,
  createdBy: 'admin',
});

const request = (incidentId: string, taskId: string): TaskCaseRequest => ({
  requestId: `${incidentId}:task:${taskId}`,
  taskId,
  sourceId: incidentId,
  title: taskId,
  description: '',
  cellId: 'C1',
  townshipCode: 'T1',
  lon: 111,
  lat: 35,
  assigneeOfficerId: '',
  department: 'd',
  deadline: AT,
  priority: 'normal',
  drill: false,
});

/**
 * What every IncidentStore must do, run against the in-memory store (unit) and PostgreSQL (integration), so the fake
 * the use-case tests rely on behaves like the real thing.
 */
export function describeIncidentStoreContract(name: string, open: () => Promise<{ store: IncidentStore; close(): Promise<void> }>): void {
  describe(`IncidentStore contract: ${name}`, () => {
    let store: IncidentStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    it('inserts an incident once, reads it back whole, and lists by status and drill', async () => {
      const real = incident({ id: 'INC-A', recoveredSince: new Date('2026-12-06T09:00:00.000Z') });
      expect(await store.transaction((tx) => tx.insertIncident({ incident: real, analysis: null }))).toBe(true);
      expect(await store.transaction((tx) => tx.insertIncident({ incident: { ...real, title: 'other' }, analysis: null }))).toBe(false);
      expect((await store.get('INC-A'))?.incident).toEqual(real);
      await store.transaction((tx) => tx.insertIncident({ incident: incident({ id: 'INC-D', drill: true, status: 'declared', stationMns: [] }), analysis: null }));
      expect((await store.list({ statuses: [], includeDrills: false, limit: 10 })).map((stored) => stored.incident.id)).toEqual(['INC-A']);
      expect((await store.list({ statuses: ['declared'], includeDrills: true, limit: 10 })).map((stored) => stored.incident.id)).toEqual(['INC-D']);
      expect((await store.openWithStations()).map((open) => open.id)).toEqual(['INC-A']);
      expect(await store.get('INC-NONE')).toBeUndefined();
    });

    it('finds the open incident of a station, and updates an incident', async () => {
      await store.transaction((tx) => tx.insertIncident({ incident: incident({ id: 'INC-B' }), analysis: null }));
      expect((await store.transaction((tx) => tx.openIncidentForStation('MN-WS1')))?.id).toBe('INC-B');
      await store.transaction(async (tx) => {
        const current = await tx.lockIncident('INC-B');
        if (current) await tx.updateIncident({ ...current, incident: { ...current.incident, status: 'closed', closedAt: AT, version: 2 } });
      });
      expect(await store.transaction((tx) => tx.openIncidentForStation('MN-WS1'))).toBeUndefined();
      expect((await store.get('INC-B'))?.incident).toMatchObject({ status: 'closed', closedAt: AT, version: 2 });
    });

    it('keeps the timeline in order, refuses a second row at one sequence, and rolls back a failed transaction', async () => {
      await store.transaction((tx) => tx.insertIncident({ incident: incident({ id: 'INC-C' }), analysis: null }));
      const first = sealTimelineEntry({ incidentId: 'INC-C', step: 'proposed', actor: 'platform', occurredAt: AT, details: { value: 3.25, nested: { b: 1, a: [1, 'x'] } } }, undefined, KEY);
      const second = sealTimelineEntry({ incidentId: 'INC-C', step: 'declared', actor: 'd', occurredAt: AT, details: {} }, first, KEY);
      await store.transaction((tx) => tx.appendTimeline([first, second]));
      expect(await store.transaction((tx) => tx.lastTimelineLink('INC-C'))).toEqual({ sequence: 2, hash: second.hash });
      const read: TimelineEntry[] = await store.timeline('INC-C');
      expect(read).toEqual([first, second]);
      await expect(store.transaction((tx) => tx.appendTimeline([second]))).rejects.toThrow();
      await expect(
        store.transaction(async (tx) => {
          await tx.appendTimeline([sealTimelineEntry({ incidentId: 'INC-C', step: 'closed', actor: 'd', occurredAt: AT, details: {} }, second, KEY)]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await store.timeline('INC-C')).toHaveLength(2);
    });

    it('keeps every plan version and answers the newest of each', async () => {
      await store.transaction(async (tx) => {
        await tx.insertPlan(plan('P1', 1));
        await tx.insertPlan(plan('P1', 2));
        await tx.insertPlan(plan('P2', 1));
      });
      expect((await store.latestPlans()).map((latest) => `${latest.id}@${latest.version}`)).toEqual(['P1@2', 'P2@1']);
      expect(await store.transaction((tx) => tx.latestPlan('P1'))).toEqual(plan('P1', 2));
      await expect(store.transaction((tx) => tx.insertPlan(plan('P1', 2)))).rejects.toThrow();
    });

    it('records task requests once and follows their cases', async () => {
      await store.transaction((tx) => tx.insertIncident({ incident: incident({ id: 'INC-T' }), analysis: null }));
      await store.transaction((tx) => tx.insertTaskRequests([request('INC-T', 'a'), request('INC-T', 'b')]));
      await store.transaction((tx) => tx.insertTaskRequests([request('INC-T', 'a')]));
      const task = await store.transaction((tx) => tx.lockTask('INC-T:task:a'));
      expect(task).toEqual({ requestId: 'INC-T:task:a', incidentId: 'INC-T', taskId: 'a', caseId: '', status: 'requested' });
      await store.transaction((tx) => tx.updateTask({ ...(task as NonNullable<typeof task>), caseId: 'CASE-1', status: 'accepted' }));
      expect(await store.transaction((tx) => tx.lockTask('INC-T:task:a'))).toMatchObject({ caseId: 'CASE-1', status: 'accepted' });
      expect(await store.transaction((tx) => tx.lockTask('nope'))).toBeUndefined();
    });
  });
}
