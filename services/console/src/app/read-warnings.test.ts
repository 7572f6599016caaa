import { describe, expect, it } from 'vitest';
import type { WarningView } from '../domain/emergency-view';
import type { WarningDesk } from './ports';
import { createReadWarnings } from './read-warnings';

const warning = (id: string, status: WarningView['status'], level: WarningView['level'], liftedAt: string | null = null): WarningView => ({
  warningId: id,
  level,
  peakLevel: level,
  status,
  origin: 'city',
  startsAt: '2026-03-01T00:00:00.000Z',
  expectedEndAt: null,
  liftedAt,
  reason: '运城市重污染天气应急指挥部〔2026〕1号',
  issuedBy: 'console:dispatcher',
  listYear: 2026,
  listVersion: 1,
  obligationCount: 0,
  drill: false,
});

const desk = (warnings: WarningView[]): WarningDesk => ({
  list: () => Promise.resolve(warnings),
  get: () => Promise.reject(new Error('unused')),
  obligations: () => Promise.reject(new Error('unused')),
  evaluation: () => Promise.reject(new Error('unused')),
  issue: () => Promise.reject(new Error('unused')),
  lift: () => Promise.reject(new Error('unused')),
});

describe('the warnings page', () => {
  const now = new Date('2026-03-31T04:00:00.000Z');
  const read = createReadWarnings({
    warnings: desk([
      warning('W-old', 'lifted', 'orange', '2026-02-27T00:00:00.000Z'),
      warning('W-y', 'active', 'yellow'),
      warning('W-recent', 'lifted', 'yellow', '2026-03-20T00:00:00.000Z'),
      warning('W-r', 'active', 'red'),
      warning('W-edge', 'lifted', 'red', '2026-03-01T04:00:00.000Z'),
    ]),
    clock: { now: () => now },
  });

  it('lists active warnings strictest first and the ones lifted in the last 30 days newest first', async () => {
    const page = await read({ username: 'd', displayName: 'D', role: 'dispatcher' });
    expect(page.active.map((item) => item.warningId)).toEqual(['W-r', 'W-y']);
    expect(page.recent.map((item) => item.warningId)).toEqual(['W-recent', 'W-edge']);
    expect(page.allowedActions).toEqual(['issue']);
  });

  it('offers an analyst no action', async () => {
    expect((await read({ username: 'a', displayName: 'A', role: 'analyst' })).allowedActions).toEqual([]);
  });
});
