import type { TimelineEntryView } from './emergency-view';

/** One task of an activated plan and how far its case has come, as the incident's timeline records it. */
export interface IncidentTask {
  taskId: string;
  requestId: string;
  title: string;
  department: string;
  officerId: string;
  deadline: string | null;
  /** Dispatch's case for the task, once it is opened. */
  caseId: string;
  /** 'requested', 'opened', 'accepted' or 'closed': the furthest step the timeline holds. */
  stage: 'requested' | 'opened' | 'accepted' | 'closed';
}

const STAGE_OF_STEP: Record<string, IncidentTask['stage']> = { task_case_opened: 'opened', task_case_accepted: 'accepted', task_case_closed: 'closed' };
const RANK: Record<IncidentTask['stage'], number> = { requested: 0, opened: 1, accepted: 2, closed: 3 };

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The plan's tasks and their cases, read from the timeline: the service records each requested task (`task_requested`)
 * and each step of its case at dispatch (`task_case_*`) there, and keeps no other list of them. A case step for a task
 * the timeline never requested is left out (it cannot be placed).
 */
export function incidentTasks(entries: readonly TimelineEntryView[]): IncidentTask[] {
  const tasks = new Map<string, IncidentTask>();
  for (const entry of [...entries].sort((a, b) => a.sequence - b.sequence)) {
    const taskId = textOf(entry.details.taskId);
    if (taskId === '') continue;
    if (entry.step === 'task_requested') {
      const deadline = textOf(entry.details.deadline);
      tasks.set(taskId, {
        taskId,
        requestId: textOf(entry.details.requestId),
        title: textOf(entry.details.title),
        department: textOf(entry.details.department),
        officerId: textOf(entry.details.officer),
        deadline: deadline === '' ? null : deadline,
        caseId: '',
        stage: 'requested',
      });
      continue;
    }
    const stage = STAGE_OF_STEP[entry.step];
    const task = tasks.get(taskId);
    if (!stage || !task) continue;
    const caseId = textOf(entry.details.caseId);
    if (caseId !== '') task.caseId = caseId;
    if (RANK[stage] > RANK[task.stage]) task.stage = stage;
  }
  return [...tasks.values()];
}

/** Targets and resources nearest first, whatever order they arrive in: the page promises distance order. */
export function byDistance<Item extends { distanceM: number }>(items: readonly Item[], key: (item: Item) => number = (item) => item.distanceM): Item[] {
  return [...items].sort((a, b) => key(a) - key(b));
}
