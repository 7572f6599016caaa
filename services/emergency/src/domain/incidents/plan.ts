import { invalidArgument } from '@ecogrid/domain-errors';
import { INCIDENT_LEVELS, type Incident, type IncidentKind, type IncidentLevel } from './incident';

export type TaskPriority = 'low' | 'normal' | 'high' | 'urgent';

/** A task of a plan: who does what, by how long after activation. */
export interface PlanTask {
  taskId: string;
  department: string;
  /** A named officer; empty: the case goes to the officer on duty in the incident's cell. */
  officerId: string;
  title: string;
  description: string;
  deadlineMinutes: number;
  priority: TaskPriority;
}

/** An emergency plan (预案). Versions are kept; an activation records the version it used. */
export interface Plan {
  id: string;
  version: number;
  name: string;
  triggerKind: IncidentKind;
  /** Empty: every level. */
  triggerLevels: IncidentLevel[];
  /** Only for incidents at this target (e.g. one water source); empty: anywhere. */
  targetId: string;
  tasks: PlanTask[];
  createdAt: Date;
  createdBy: string;
}

/** A case a plan task asks dispatch for (the domain's EmergencyCaseRequested). */
export interface TaskCaseRequest {
  requestId: string;
  taskId: string;
  sourceId: string;
  title: string;
  description: string;
  cellId: string;
  townshipCode: string;
  lon: number;
  lat: number;
  assigneeOfficerId: string;
  department: string;
  deadline: Date;
  priority: TaskPriority;
  drill: boolean;
}

const PRIORITIES: readonly TaskPriority[] = ['low', 'normal', 'high', 'urgent'];

/** Checks a plan before it is stored: every problem names its field. */
export function validatePlan(plan: Plan): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(plan.id)) throw invalidArgument('plan.id', '预案编号须为 1–64 位字母、数字或 . _ - (plan id: 1–64 letters, digits, ".", "_" or "-")', 'bad_plan_id');
  if (!plan.name.trim()) throw invalidArgument('plan.name', '预案名称不能为空 (plan name is required)', 'missing_plan_name');
  if (plan.triggerLevels.some((level) => !INCIDENT_LEVELS.includes(level))) throw invalidArgument('plan.trigger_levels', '事件级别无效，应为 I–IV (unknown incident level)', 'bad_level');
  if (plan.tasks.length === 0) throw invalidArgument('plan.tasks', '预案至少需要一项任务 (a plan needs at least one task)', 'no_tasks');
  const seen = new Set<string>();
  plan.tasks.forEach((task, index) => {
    const field = `plan.tasks[${index}]`;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(task.taskId)) throw invalidArgument(`${field}.task_id`, '任务编号须为 1–64 位字母、数字或 . _ - (task id: 1–64 letters, digits, ".", "_" or "-")', 'bad_task_id');
    if (seen.has(task.taskId)) throw invalidArgument(`${field}.task_id`, `任务编号 ${task.taskId} 重复 (task id appears twice)`, 'duplicate_task_id');
    seen.add(task.taskId);
    if (!task.department.trim() && !task.officerId.trim()) throw invalidArgument(`${field}.department`, '任务须指定责任部门或人员 (a task names a department or an officer)', 'no_assignee');
    if (!task.title.trim()) throw invalidArgument(`${field}.title`, '任务内容不能为空 (task title is required)', 'missing_task_title');
    if (!Number.isInteger(task.deadlineMinutes) || task.deadlineMinutes <= 0) throw invalidArgument(`${field}.deadline_minutes`, '时限须为正整数分钟 (deadline must be a positive number of minutes)', 'bad_deadline');
    if (!PRIORITIES.includes(task.priority)) throw invalidArgument(`${field}.priority`, '优先级应为 low、normal、high 或 urgent (priority is low, normal, high or urgent)', 'bad_priority');
  });
}

/** Whether a plan applies to an incident of this kind, level and target. */
export function planApplies(plan: Plan, incident: Pick<Incident, 'kind' | 'level' | 'targetId'>): boolean {
  if (plan.triggerKind !== incident.kind) return false;
  if (plan.triggerLevels.length > 0 && !plan.triggerLevels.includes(incident.level)) return false;
  return plan.targetId === '' || plan.targetId === incident.targetId;
}

/**
 * The plan that applies, from the newest version of each plan: one written for the incident's own target beats a
 * general one; then the one naming the fewest levels (the more specific); then the lowest id, so the choice is stable.
 */
export function selectPlan(latestPlans: readonly Plan[], incident: Pick<Incident, 'kind' | 'level' | 'targetId'>): Plan | undefined {
  const specificity = (plan: Plan): number => (plan.targetId ? 100 : 0) + (plan.triggerLevels.length > 0 ? 10 - plan.triggerLevels.length : 0);
  return latestPlans
    .filter((plan) => planApplies(plan, incident))
    .sort((a, b) => specificity(b) - specificity(a) || a.id.localeCompare(b.id))[0];
}

/** Deterministic per incident and task, so a redelivered or repeated activation asks dispatch once. */
export function taskRequestId(incidentId: string, taskId: string): string {
  return `${incidentId}:task:${taskId}`;
}

/** Each task of the plan as a case request, due `deadlineMinutes` after activation; a 特别重大/重大 incident makes every task urgent. */
export function expandTasks(incident: Incident, plan: Plan, activatedAt: Date): TaskCaseRequest[] {
  return plan.tasks.map((task) => ({
    requestId: taskRequestId(incident.id, task.taskId),
    taskId: task.taskId,
    sourceId: incident.id,
    // No 【演练】 here: the drill flag travels on the event's wrapper and dispatch marks the case's title itself.
    title: `${task.title}（${incident.title}）`,
    description: `${task.description}\n预案：${plan.name}（第 ${plan.version} 版）`,
    cellId: incident.cellId,
    townshipCode: incident.townshipCode,
    lon: incident.lon,
    lat: incident.lat,
    assigneeOfficerId: task.officerId,
    department: task.department,
    deadline: new Date(activatedAt.getTime() + task.deadlineMinutes * 60_000),
    priority: incident.level === 'I' || incident.level === 'II' ? 'urgent' : task.priority,
    drill: incident.drill,
  }));
}
