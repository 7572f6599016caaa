import { describe, expect, it } from 'vitest';
import { clockOf, loadConfig } from './config';

const minimal = {
  DATABASE_URL: 'postgres://127.0.0.1/ecogrid',
  KAFKA_BROKERS: '127.0.0.1:9092',
  STAFF_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters!!',
  INCIDENT_CHAIN_KEY: 'an-incident-timeline-key',
};

describe('emergency configuration', () => {
  it('listens on the ports the design gives emergency (gRPC 50056, admin 8098) in schema emergency', () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({ GRPC_ADDRESS: '127.0.0.1:50056', ADMIN_HTTP_ADDRESS: '127.0.0.1:8098', EMERGENCY_SCHEMA: 'emergency', SERVICE_NAME: 'emergency' });
  });

  it('refuses to start in production without the incident timelines\' key, and takes the development key in tests', () => {
    const { INCIDENT_CHAIN_KEY: _key, ...withoutKey } = minimal;
    expect(() => loadConfig({ ...withoutKey, NODE_ENV: 'production' })).toThrow(/INCIDENT_CHAIN_KEY/);
    expect(loadConfig({ ...withoutKey, NODE_ENV: 'test' }).INCIDENT_CHAIN_KEY).toBeUndefined();
  });

  it('refuses a pinned clock in production', () => {
    expect(() => loadConfig({ ...minimal, NODE_ENV: 'production', EMERGENCY_CLOCK_START: '2026-01-10T08:00:00+08:00' })).toThrow(/EMERGENCY_CLOCK_START/);
  });

  it('starts a pinned clock at the configured instant', () => {
    const clock = clockOf({ EMERGENCY_CLOCK_START: '2026-01-10T08:00:00+08:00' });
    expect(Math.abs(clock.now().getTime() - Date.parse('2026-01-10T00:00:00Z'))).toBeLessThan(5_000);
  });
});
