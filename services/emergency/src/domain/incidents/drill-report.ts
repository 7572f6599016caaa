import type { TimelineEntry } from './timeline';

export interface DrillStep {
  step: 'declared_to_analysis' | 'declared_to_plan_activated' | 'task_opened' | 'task_accepted' | 'task_closed';
  taskId: string;
  title: string;
  /** null when the step has not happened. */
  secondsFromDeclared: number | null;
  at: Date | null;
}

export interface DrillReport {
  incidentId: string;
  steps: DrillStep[];
  summary: string;
}

function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '未完成';
  if (seconds < 60) return `${Math.round(seconds)} 秒`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} 分 ${Math.round(seconds - minutes * 60)} 秒`;
}

const STEP_NAMES: Record<DrillStep['step'], string> = {
  declared_to_analysis: '启动 → 影响分析',
  declared_to_plan_activated: '启动 → 预案启动',
  task_opened: '任务立案',
  task_accepted: '任务受理',
  task_closed: '任务办结',
};

/**
 * What took how long, read from the timeline alone (so the report is as trustworthy as the chain): from the
 * declaration to the impact analysis and to the plan's activation, and for each task when its case was opened,
 * accepted and closed.
 */
export function drillReport(incidentId: string, entries: readonly TimelineEntry[]): DrillReport {
  const first = (step: TimelineEntry['step'], taskId?: string): TimelineEntry | undefined =>
    entries.find((entry) => entry.step === step && (taskId === undefined || entry.details.taskId === taskId));
  const declaredAt = first('declared')?.occurredAt;
  const since = (entry: TimelineEntry | undefined): number | null => (entry && declaredAt ? (entry.occurredAt.getTime() - declaredAt.getTime()) / 1000 : null);
  const step = (name: DrillStep['step'], entry: TimelineEntry | undefined, taskId = '', title = ''): DrillStep => ({
    step: name,
    taskId,
    title,
    secondsFromDeclared: since(entry),
    at: entry?.occurredAt ?? null,
  });

  const steps: DrillStep[] = [step('declared_to_analysis', first('analysis')), step('declared_to_plan_activated', first('plan_activated'))];
  for (const requested of entries.filter((entry) => entry.step === 'task_requested')) {
    const taskId = String(requested.details.taskId ?? '');
    const title = String(requested.details.title ?? taskId);
    steps.push(step('task_opened', first('task_case_opened', taskId), taskId, title));
    steps.push(step('task_accepted', first('task_case_accepted', taskId), taskId, title));
    steps.push(step('task_closed', first('task_case_closed', taskId), taskId, title));
  }
  const lines = steps.map((item) => `${STEP_NAMES[item.step]}${item.title ? `「${item.title}」` : ''}：${formatSeconds(item.secondsFromDeclared)}`);
  const summary = [`演练报告（事件 ${incidentId}）`, declaredAt ? `启动时间：${declaredAt.toISOString()}` : '尚未启动', ...lines].join('\n');
  return { incidentId, steps, summary };
}
