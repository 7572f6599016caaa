import { describe, expect, it } from 'vitest';
import { DEV_STAFF_TOKEN_SECRET, verifierFromSettings } from '@ecogrid/staff-auth';
import { DEV_HISTORY_CHAIN_KEY, DEV_OPEN311_API_KEY, loadConfig } from './config';

const BASE = { DATABASE_URL: 'postgres://127.0.0.1/ecogrid', KAFKA_BROKERS: '127.0.0.1:9092' };
const OWN_SECRET = 'a-secret-of-this-deployment-0123456789abcdef';
const OWN_CHAIN_KEY = 'a-history-key-of-this-deployment-0123456789';

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
      const env = { ...BASE, HISTORY_CHAIN_KEY: OWN_CHAIN_KEY, ...(NODE_ENV ? { NODE_ENV } : {}) };
      expect(() => verifierFromSettings(loadConfig({ ...env, STAFF_TOKEN_SECRET: DEV_STAFF_TOKEN_SECRET }))).toThrow(/STAFF_TOKEN_SECRET is published/);
      expect(() => verifierFromSettings(loadConfig(env))).toThrow(/set STAFF_TOKEN_SECRET/);
      expect(() => loadConfig({ ...env, STAFF_TOKEN_SECRET: OWN_SECRET, OPEN311_DEV_API_KEY: DEV_OPEN311_API_KEY })).toThrow(/OPEN311_DEV_API_KEY is published/);
      expect(() => loadConfig({ ...env, STAFF_TOKEN_SECRET: OWN_SECRET, OPEN311_DEV_API_KEY: 'a-key-of-our-own-0123456789' })).toThrow(/development and test only/);
      const config = loadConfig({ ...env, STAFF_TOKEN_SECRET: OWN_SECRET });
      expect(config.OPEN311_DEV_API_KEY).toBeUndefined();
      expect(() => verifierFromSettings(config)).not.toThrow();
      expect(config.historyKeys.current).toEqual({ id: 'k1', secret: OWN_CHAIN_KEY });
      expect(() => loadConfig({ ...env, HISTORY_CHAIN_KEY: DEV_HISTORY_CHAIN_KEY })).toThrow(/HISTORY_CHAIN_KEY is published/);
      const { HISTORY_CHAIN_KEY: _unset, ...withoutKey } = env;
      expect(() => loadConfig(withoutKey)).toThrow(/set HISTORY_CHAIN_KEY/);
    }
  });

  it('keeps retired history keys for rotation, never the current one among them', () => {
    const config = loadConfig({ ...BASE, NODE_ENV: 'test', HISTORY_CHAIN_KEY_ID: 'k2', HISTORY_CHAIN_RETIRED_KEYS: `k1=${OWN_CHAIN_KEY}` });
    expect(config.historyKeys).toEqual({ current: { id: 'k2', secret: DEV_HISTORY_CHAIN_KEY }, retired: [{ id: 'k1', secret: OWN_CHAIN_KEY }] });
    expect(() => loadConfig({ ...BASE, NODE_ENV: 'test', HISTORY_CHAIN_RETIRED_KEYS: `k1=${OWN_CHAIN_KEY}` })).toThrow(/holds the current/);
  });
});
