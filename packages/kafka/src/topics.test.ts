import { describe, expect, it } from 'vitest';
import { TOPICS, allTopicSpecs, topicNames } from './topics';

describe('topic catalogue', () => {
  it('names every topic ecogrid.<name>.v1', () => {
    for (const spec of Object.values(TOPICS)) expect(spec.name).toMatch(/^ecogrid\.[a-z.]+\.v1$/);
  });

  it('compacts the registry topics, which carry the latest state per key', () => {
    const registry = Object.values(TOPICS).filter((spec) => spec.name.startsWith('ecogrid.registry.'));
    expect(registry.map((spec) => spec.name).sort()).toEqual([
      'ecogrid.registry.cells.v1',
      'ecogrid.registry.devices.v1',
      'ecogrid.registry.enterprises.v1',
      'ecogrid.registry.officers.v1',
      'ecogrid.registry.targets.v1',
    ]);
    for (const spec of registry) expect(spec.cleanupPolicy).toBe('compact');
  });

  it('adds a dead-letter topic for each consumed topic and none twice', () => {
    const names = allTopicSpecs().map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('ecogrid.readings.v1.dlq');
    expect(names).not.toContain('ecogrid.readings.rejected.v1.dlq');
  });

  it('prefixes names for an isolated deployment', () => {
    expect(topicNames('t.x.').readings).toBe('t.x.ecogrid.readings.v1');
    expect(topicNames().alerts).toBe('ecogrid.alerts.v1');
  });
});
