import { describe, expect, it } from 'vitest';
import type { CaseStatus } from './case';
import { GENESIS_HASH, sealEntry, type HistoryEntry, type JsonObject } from './history-chain';
import { computeKpis, percentile } from './kpis';

const MIN = 60_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

/** A history from (minute, action, status, step, deadline minute, extra state) rows. */
function history(caseId: string, rows: Array<[number, string, CaseStatus, string | null, number | null, JsonObject?]>): HistoryEntry[] {
  let previous = GENESIS_HASH;
  let stepStarted: number | null = null;
  let lastStep: string | null = null;
  let lastDeadline: number | null = null;
  let from: CaseStatus | null = null;
  return rows.map(([minute, action, status, step, deadline, extra], index) => {
    if (step !== lastStep || (deadline !== null && deadline !== lastDeadline && action !== 'resumed')) stepStarted = step ? minute : null;
    lastStep = step;
    lastDeadline = deadline;
    const state: JsonObject = { status, township: 'T1', assignee: 'O1', escalationLevel: 0, ...(extra ?? {}) };
    if (step && stepStarted !== null && deadline !== null) {
      state.step = step;
      state.stepStartedAt = new Date(T0 + stepStarted * MIN).toISOString();
      state.stepDeadline = new Date(T0 + deadline * MIN).toISOString();
    }
    const entry = sealEntry({ caseId, sequence: index + 1, action, actor: 'x', occurredAt: new Date(T0 + minute * MIN), fromStatus: from, toStatus: status, details: { state } }, previous, { id: 'k1', secret: 'kpi-test-key-0123456789abcdefghijklmnop' });
    previous = entry.hash;
    from = status;
    return entry;
  });
}

const onTime = history('A', [
  [0, 'registered', 'registered', null, null],
  [0, 'dispatched', 'dispatched', 'accept', 15],
  [10, 'accepted', 'accepted', 'arrive', 70],
  [40, 'arrived', 'on_site', 'handle', 280],
  [100, 'resolved', 'handled', 'verify', 1540],
  [200, 'verified', 'verified', null, null],
  [210, 'closed', 'closed', null, null],
]);

const lateAccept = history('B', [
  [0, 'registered', 'registered', null, null],
  [0, 'dispatched', 'dispatched', 'accept', 15],
  [30, 'accepted', 'accepted', 'arrive', 90],
  [60, 'arrived', 'on_site', 'handle', 300],
  [120, 'resolved', 'handled', 'verify', 1560],
  [300, 'verified', 'verified', null, null],
  [310, 'closed', 'closed', null, null],
]);

/** Suspended for 100 min while handling: without the pause it would be late, with it it is not. */
const suspended = history('C', [
  [0, 'registered', 'registered', null, null],
  [0, 'dispatched', 'dispatched', 'accept', 15],
  [5, 'accepted', 'accepted', 'arrive', 65],
  [20, 'arrived', 'on_site', 'handle', 260],
  [50, 'suspended', 'suspended', 'handle', 260],
  [150, 'resumed', 'on_site', 'handle', 360],
  [300, 'resolved', 'handled', 'verify', 1740],
  [400, 'verified', 'verified', null, null],
  [400, 'closed', 'closed', null, null],
]);

const stillOpenOverdue = history('D', [
  [0, 'registered', 'registered', null, null],
  [0, 'dispatched', 'dispatched', 'accept', 15, { township: 'T2', assignee: 'O2' }],
]);

describe('KPIs from histories', () => {
  it('interpolates percentiles between ranks', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([10], 0.9)).toBe(10);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
  });

  it('counts a case on time only when every step met its deadline, pauses excluded', () => {
    const kpis = computeKpis([onTime, lateAccept, suspended, stillOpenOverdue], { from: new Date(T0), to: new Date(T0 + 2_000 * MIN), now: new Date(T0 + 2_000 * MIN) });
    expect(kpis.closed).toBe(3);
    expect(kpis.closedOnTime).toBe(2);
    expect(kpis.onTimeRate).toBeCloseTo(2 / 3);
    expect(kpis.backlog).toBe(1);
    expect(kpis.overdueCases.map((item) => item.caseId)).toEqual(['D']);
    expect(kpis.overdueCases[0]).toMatchObject({ step: 'accept', township: 'T2', assignee: 'O2' });
    const accept = kpis.steps.find((step) => step.step === 'accept');
    expect(accept).toMatchObject({ completed: 3, completedLate: 1, medianSeconds: 600 });
    // Handling of C took 280 min of which 100 paused: 180 min; A 60 min; B 60 min.
    const handle = kpis.steps.find((step) => step.step === 'handle');
    expect(handle).toMatchObject({ completed: 3, completedLate: 0, medianSeconds: 3600 });
    expect(handle?.p90Seconds).toBeCloseTo(180 * 60 - 0.2 * 120 * 60);
    // Registration → closure without pauses: A 210, B 310, C 300 min.
    expect(kpis.medianHandlingSeconds).toBe(300 * 60);
  });

  it('breaks the rate down per township and officer, and filters by them', () => {
    const kpis = computeKpis([onTime, lateAccept, stillOpenOverdue], { from: new Date(T0), to: new Date(T0 + 2_000 * MIN), now: new Date(T0 + 2_000 * MIN) });
    expect(kpis.townships).toEqual([
      { key: 'T1', closed: 2, closedOnTime: 1, onTimeRate: 0.5, backlog: 0 },
      { key: 'T2', closed: 0, closedOnTime: 0, onTimeRate: null, backlog: 1 },
    ]);
    const t2 = computeKpis([onTime, lateAccept, stillOpenOverdue], { from: new Date(T0), to: new Date(T0 + 2_000 * MIN), now: new Date(T0 + 2_000 * MIN), townshipCode: 'T2' });
    expect(t2).toMatchObject({ closed: 0, onTimeRate: null, backlog: 1, overdue: 1 });
  });

  it('only counts closures inside the period', () => {
    const kpis = computeKpis([onTime], { from: new Date(T0 + 300 * MIN), to: new Date(T0 + 2_000 * MIN), now: new Date(T0 + 2_000 * MIN) });
    expect(kpis.closed).toBe(0);
    const before = computeKpis([onTime], { from: new Date(T0), to: new Date(T0 + 100 * MIN), now: new Date(T0 + 100 * MIN) });
    expect(before).toMatchObject({ closed: 0, backlog: 1 });
  });
});
