import { describe, expect, it } from 'vitest';
import { pageSize, quotaDay, secondsUntilQuotaDayEnds } from './quota';

const policy = { requestsPerSecond: 5, rowsPerDay: 100, pageCap: 50 };

describe('quota', () => {
  it('caps the page at the partner’s cap', () => {
    expect(pageSize(undefined, policy)).toBe(50);
    expect(pageSize(10, policy)).toBe(10);
    expect(pageSize(1000, policy)).toBe(50);
  });

  it('counts rows per day in China Standard Time', () => {
    expect(quotaDay(new Date('2026-06-15T15:59:59Z'))).toBe('2026-06-15');
    expect(quotaDay(new Date('2026-06-15T16:00:00Z'))).toBe('2026-06-16');
    expect(secondsUntilQuotaDayEnds(new Date('2026-06-15T15:59:00Z'))).toBe(60);
  });
});
