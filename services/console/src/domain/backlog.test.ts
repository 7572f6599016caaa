import { describe, expect, it } from 'vitest';
import { backlogByHour } from './backlog';

describe('backlogByHour', () => {
  const from = new Date('2026-03-01T00:00:00Z');
  const to = new Date('2026-03-01T04:00:00Z');

  it('counts a case in every hour it was open for a moment, from its creation until its closing', () => {
    const cases = [
      { createdAt: '2026-02-28T23:30:00.000Z', closedAt: '2026-03-01T02:30:00.000Z', status: 'closed' as const },
      { createdAt: '2026-03-01T01:10:00.000Z', closedAt: null, status: 'dispatched' as const },
      { createdAt: '2026-03-01T00:10:00.000Z', closedAt: null, status: 'merged' as const },
    ];
    expect(backlogByHour(cases, from, to)).toEqual([
      { hour: '2026-03-01T00:00:00.000Z', open: 1 },
      { hour: '2026-03-01T01:00:00.000Z', open: 2 },
      { hour: '2026-03-01T02:00:00.000Z', open: 2 },
      { hour: '2026-03-01T03:00:00.000Z', open: 1 },
    ]);
  });

  it('counts a case opened and closed within one hour in that hour only', () => {
    const quick = [{ createdAt: '2026-03-01T02:10:00.000Z', closedAt: '2026-03-01T02:20:00.000Z', status: 'closed' as const }];
    expect(backlogByHour(quick, from, to).map((point) => point.open)).toEqual([0, 0, 1, 0]);
  });

  it('gives one point per hour even without cases', () => {
    expect(backlogByHour([], from, to).map((point) => point.open)).toEqual([0, 0, 0, 0]);
  });
});
