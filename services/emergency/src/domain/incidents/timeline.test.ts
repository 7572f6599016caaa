import { describe, expect, it } from 'vitest';
import { drillReport } from './drill-report';
import { sealTimelineEntry, verifyTimeline, type TimelineEntry, type TimelineStep } from './timeline';

const KEY = { id: 'k1', secret: 'timeline-test-secret' };
const T0 = Date.UTC(2026, 11, 6, 8, 0, 0);

function chain(steps: Array<[TimelineStep, number, Record<string, string>?]>): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const [step, seconds, details] of steps) {
    entries.push(sealTimelineEntry({ incidentId: 'INC-1', step, actor: 'dispatcher-1', occurredAt: new Date(T0 + seconds * 1000), details: details ?? {} }, entries.at(-1), KEY));
  }
  return entries;
}

const STEPS: Array<[TimelineStep, number, Record<string, string>?]> = [
  ['proposed', 0],
  ['declared', 60],
  ['analysis', 61],
  ['plan_activated', 180],
  ['task_requested', 180, { taskId: 'monitor', title: '加密监测' }],
  ['task_case_opened', 185, { taskId: 'monitor' }],
  ['task_case_accepted', 600, { taskId: 'monitor' }],
];

describe('incident timeline', () => {
  it('chains every row to the one before and verifies intact', () => {
    const entries = chain(STEPS);
    expect(entries.map((entry) => entry.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(entries[1]?.previousHash).toBe(entries[0]?.hash);
    expect(verifyTimeline(entries, [KEY])).toEqual({ intact: true, entries: 7 });
  });

  it('names the altered row', () => {
    const entries = chain(STEPS);
    const altered = entries.map((entry) => (entry.sequence === 4 ? { ...entry, occurredAt: new Date(T0 + 100_000) } : entry));
    expect(verifyTimeline(altered, [KEY]).firstBroken).toMatchObject({ sequence: 4, reason: 'hash_mismatch' });
  });

  it('names a deleted row, and a row sealed with a key it does not hold', () => {
    const entries = chain(STEPS);
    expect(verifyTimeline(entries.filter((entry) => entry.sequence !== 3), [KEY]).firstBroken).toMatchObject({ sequence: 4, reason: 'sequence_gap' });
    expect(verifyTimeline(entries, [{ id: 'k1', secret: 'another' }]).firstBroken?.sequence).toBe(1);
    expect(verifyTimeline(entries.map((entry) => (entry.sequence === 6 ? { ...entry, keyId: 'k9' } : entry)), [KEY]).firstBroken?.sequence).toBe(6);
  });

  it('reports what a drill’s steps took, from the timeline alone', () => {
    const report = drillReport('INC-1', chain(STEPS));
    expect(report.steps.map((step) => [step.step, step.taskId, step.secondsFromDeclared])).toEqual([
      ['declared_to_analysis', '', 1],
      ['declared_to_plan_activated', '', 120],
      ['task_opened', 'monitor', 125],
      ['task_accepted', 'monitor', 540],
      ['task_closed', 'monitor', null],
    ]);
    expect(report.summary).toContain('任务受理「加密监测」：9 分 0 秒');
    expect(report.summary).toContain('任务办结「加密监测」：未完成');
  });
});
