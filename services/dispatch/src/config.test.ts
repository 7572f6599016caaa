import { describe, expect, it } from 'vitest';
import { DEV_STAFF_TOKEN_SECRET, verifierFromSettings } from '@ecogrid/staff-auth';
import { DEV_OPEN311_API_KEY, loadConfig } from './config';

const BASE = { DATABASE_URL: 'postgres://127.0.0.1/ecogrid', KAFKA_BROKERS: '127.0.0.1:9092' };
const OWN_SECRET = 'a-secret-of-this-deployment-0123456789abcdef';

describe('dispatch configuration refuses published secrets outside development and test', () => {
  it('takes the published development secrets only when NODE_ENV says development or test', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const config = loadConfig({ ...BASE, NODE_ENV });
      expect(config.OPEN311_DEV_API_KEY).toBe(DEV_OPEN311_API_KEY);
      expect(() => verifierFromSettings(config)).not.toThrow();
    }
  });

  it('refuses the published token secret and Open311 key in production, and when NODE_ENV is unset', () => {
    for (const NODE_ENV of ['production', undefined]) {
      const env = { ...BASE, ...(NODE_ENV ? { NODE_ENV } : {}) };
      expect(() => verifierFromSettings(loadConfig({ ...env, STAFF_TOKEN_SECRET: DEV_STAFF_TOKEN_SECRET }))).toThrow(/STAFF_TOKEN_SECRET is published/);
      expect(() => verifierFromSettings(loadConfig(env))).toThrow(/set STAFF_TOKEN_SECRET/);
      expect(() => loadConfig({ ...env, STAFF_TOKEN_SECRET: OWN_SECRET, OPEN311_DEV_API_KEY: DEV_OPEN311_API_KEY })).toThrow(/OPEN311_DEV_API_KEY is published/);
      expect(() => loadConfig({ ...env, STAFF_TOKEN_SECRET: OWN_SECRET, OPEN311_DEV_API_KEY: 'a-key-of-our-own-0123456789' })).toThrow(/development and test only/);
      const config = loadConfig({ ...env, STAFF_TOKEN_SECRET: OWN_SECRET });
      expect(config.OPEN311_DEV_API_KEY).toBeUndefined();
      expect(() => verifierFromSettings(config)).not.toThrow();
    }
  });
});
