import { describe, expect, it } from 'vitest';
import { expandTasks, selectPlan, taskRequestId, validatePlan, type Plan } from './plan';
import { incident } from './testing/fixtures';

const plan = (overrides: Partial<Plan> = {}): Plan => ({
  id: 'P-WATER',
  version: 1,
  name: '饮用水源地突发环境事件应急预案',
  triggerKind: 'water_source',
  triggerLevels: [],
  targetId: '',
  tasks: [
    { taskId: 'monitor', department: '区环境监测站', officerId: '', title: '加密监测', description: '每小时采样', deadlineMinutes: 60, priority: 'high' },
    { taskId: 'cutoff', department: '区水务局', officerId: 'GO-1', title: '切换备用水源', description: '', deadlineMinutes: 120, priority: 'normal' },
  ],
  createdAt: new Date('2026-12-01T00:00:00Z'),
  createdBy: 'admin',
  ...overrides,
});

const ACTIVATED = new Date('2026-12-06T09:00:00Z');

describe('plans', () => {
  it('picks the plan written for the incident’s own target over a general one, then the more specific levels', () => {
    const general = plan({ id: 'A-GENERAL' });
    const forSource = plan({ id: 'Z-WS1', targetId: 'WS1' });
    const otherSource = plan({ id: 'B-WS2', targetId: 'WS2' });
    const severeOnly = plan({ id: 'C-SEVERE', triggerLevels: ['I', 'II'] });
    const ordinary = plan({ id: 'D-ORDINARY', triggerLevels: ['IV'] });
    const gas = plan({ id: 'E-GAS', triggerKind: 'toxic_gas' });
    expect(selectPlan([general, forSource, otherSource, severeOnly, gas], incident())?.id).toBe('Z-WS1');
    expect(selectPlan([general, otherSource, severeOnly, ordinary], incident())?.id).toBe('D-ORDINARY');
    expect(selectPlan([general, severeOnly], incident({ level: 'II' }))?.id).toBe('C-SEVERE');
    expect(selectPlan([gas, otherSource], incident())).toBeUndefined();
  });

  it('expands each task into a case request with a deterministic id and a deadline after activation', () => {
    const requests = expandTasks(incident({ id: 'INC-9' }), plan(), ACTIVATED);
    expect(requests.map((request) => request.requestId)).toEqual([taskRequestId('INC-9', 'monitor'), taskRequestId('INC-9', 'cutoff')]);
    expect(requests.map((request) => request.deadline.toISOString())).toEqual(['2026-12-06T10:00:00.000Z', '2026-12-06T11:00:00.000Z']);
    expect(requests[1]).toMatchObject({ assigneeOfficerId: 'GO-1', department: '区水务局', cellId: 'C1', sourceId: 'INC-9', drill: false });
    expect(requests[0]?.title).toBe('加密监测（饮用水源地水质超标）');
    expect(requests[0]?.description).toContain('第 1 版');
    // Activating again (a redelivery, a retry) asks for the same cases.
    expect(expandTasks(incident({ id: 'INC-9' }), plan({ version: 2 }), new Date()).map((request) => request.requestId)).toEqual(requests.map((request) => request.requestId));
  });

  it('marks a drill’s tasks as a drill, and makes every task urgent at level I or II', () => {
    const [drillTask] = expandTasks(incident({ drill: true }), plan(), ACTIVATED);
    expect(drillTask).toMatchObject({ drill: true, title: '加密监测（饮用水源地水质超标）' });
    expect(expandTasks(incident({ level: 'II' }), plan(), ACTIVATED).map((request) => request.priority)).toEqual(['urgent', 'urgent']);
  });

  it('names the field at fault in a plan that cannot be stored', () => {
    expect(() => validatePlan(plan({ tasks: [] }))).toThrow(expect.objectContaining({ field: 'plan.tasks', reason: 'no_tasks' }));
    const twice = plan().tasks[0]!;
    expect(() => validatePlan(plan({ tasks: [twice, twice] }))).toThrow(expect.objectContaining({ field: 'plan.tasks[1].task_id', reason: 'duplicate_task_id' }));
    expect(() => validatePlan(plan({ tasks: [{ ...twice, deadlineMinutes: 0 }] }))).toThrow(expect.objectContaining({ reason: 'bad_deadline' }));
    expect(() => validatePlan(plan({ tasks: [{ ...twice, department: '', officerId: '' }] }))).toThrow(expect.objectContaining({ reason: 'no_assignee' }));
    expect(() => validatePlan(plan())).not.toThrow();
  });
});
