import { describe, expect, it } from 'vitest';
import { consumerGroupName } from './consumer-group';

describe('consumerGroupName', () => {
  it('is <prefix><service>.<purpose>', () => {
    expect(consumerGroupName('', 'alerting', 'readings')).toBe('alerting.readings');
    expect(consumerGroupName('t.case.ab12.', 'dispatch', 'registry-view')).toBe('t.case.ab12.dispatch.registry-view');
  });

  it('refuses names that would not read as one', () => {
    expect(() => consumerGroupName('', 'Alerting', 'readings')).toThrow(/service name/);
    expect(() => consumerGroupName('', 'alerting', 'read ings')).toThrow(/consumer purpose/);
  });
});
