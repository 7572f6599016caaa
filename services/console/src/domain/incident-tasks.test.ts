import { describe, expect, it } from 'vitest';
import type { TimelineEntryView } from './emergency-view';
import { byDistance, incidentTasks } from './incident-tasks';

const row = (sequence: number, step: string, details: Record<string, unknown>): TimelineEntryView => ({ sequence, step, actor: 'x', occurredAt: null, details, hash: `h${sequence}` });

describe('the plan tasks read from an incident timeline', () => {
  it('follows each requested task to the furthest step its case reached, whatever order the rows arrive in', () => {
    const entries = [
      row(7, 'task_case_closed', { taskId: 't1', requestId: 'I:task:t1', caseId: 'C-1', status: 'closed' }),
      row(3, 'task_requested', { taskId: 't1', requestId: 'I:task:t1', title: '现场采样', department: '区环境监测站', officer: '', deadline: '2026-12-07T03:00:00.000Z' }),
      row(4, 'task_requested', { taskId: 't2', requestId: 'I:task:t2', title: '关闭取水口', department: '区水务局', officer: 'GO-YH0001', deadline: '2026-12-07T02:30:00.000Z' }),
      row(5, 'task_case_opened', { taskId: 't1', requestId: 'I:task:t1', caseId: 'C-1', status: 'dispatched' }),
      row(6, 'task_case_opened', { taskId: 't2', requestId: 'I:task:t2', caseId: 'C-2', status: 'dispatched' }),
      row(8, 'task_case_opened', { taskId: 'unknown', caseId: 'C-9' }),
      row(1, 'declared', { level: 'iii' }),
    ];
    expect(incidentTasks(entries)).toEqual([
      { taskId: 't1', requestId: 'I:task:t1', title: '现场采样', department: '区环境监测站', officerId: '', deadline: '2026-12-07T03:00:00.000Z', caseId: 'C-1', stage: 'closed' },
      { taskId: 't2', requestId: 'I:task:t2', title: '关闭取水口', department: '区水务局', officerId: 'GO-YH0001', deadline: '2026-12-07T02:30:00.000Z', caseId: 'C-2', stage: 'opened' },
    ]);
  });

  it('has no tasks before the plan is activated', () => {
    expect(incidentTasks([row(1, 'proposed', {}), row(2, 'analysis', { targets: 3 })])).toEqual([]);
  });

  it('orders by distance, or by the key given', () => {
    expect(byDistance([{ distanceM: 900 }, { distanceM: 0 }, { distanceM: 120 }]).map((item) => item.distanceM)).toEqual([0, 120, 900]);
    expect(byDistance([{ distanceM: 1, travelM: 50 }, { distanceM: 2, travelM: 10 }], (item) => item.travelM).map((item) => item.travelM)).toEqual([10, 50]);
  });
});
