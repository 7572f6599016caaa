import { describe, expect, it } from 'vitest';
import { CaseChanged, CaseSource, CaseStatus } from '@ecogrid/proto/dispatch/v1/events';
import { decodeFeed } from './feed-records';

const change = (drill: boolean): Buffer =>
  Buffer.from(
    CaseChanged.encode(
      CaseChanged.fromPartial({
        caseId: 'C-1',
        action: 'dispatched',
        status: CaseStatus.CASE_STATUS_DISPATCHED,
        source: CaseSource.CASE_SOURCE_EMERGENCY,
        caseType: 'emergency_plan_task',
        title: '水源地应急监测',
        townshipCode: '140802001',
        occurredAt: new Date('2026-12-07T02:00:00Z'),
        version: 2,
        drill,
        note: '联系人 139xxxx',
      }),
    ).finish(),
  );

describe('cases as partners get them', () => {
  it('marks a drill’s case as a drill, in its own field and before its title, and a real one not', () => {
    const [drill] = decodeFeed('cases', change(true), new Date());
    const [real] = decodeFeed('cases', change(false), new Date());
    expect(drill?.fields).toMatchObject({ case_id: 'C-1', drill: true, title: '【演练】水源地应急监测' });
    expect(real?.fields).toMatchObject({ drill: false, title: '水源地应急监测' });
    // The note (who called, their number) never reaches sharing's store.
    expect(JSON.stringify(drill?.fields)).not.toContain('139');
  });
});
