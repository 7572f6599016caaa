import { describe, expect, it } from 'vitest';
import { emergencyMigrations } from './emergency-schema';

describe('emergency migrations', () => {
  it('runs the SQL files and the shared outbox in name order, each name once', () => {
    const names = emergencyMigrations().map((migration) => migration.name);
    expect(names.slice(0, 2)).toEqual(['0001_emergency', '0002_outbox']);
    expect([...names].sort()).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
  });
});
