import { describe, expect, it } from 'vitest';
import { DEV_STAFF_TOKEN_SECRET, refusePublishedSecrets } from './published-secrets';
import { verifierFromSettings } from './staff-auth-config';

describe('published secrets', () => {
  it('are refused unless NODE_ENV is development or test; an unset NODE_ENV counts as production', () => {
    expect(() => refusePublishedSecrets(undefined, { STAFF_TOKEN_SECRET: DEV_STAFF_TOKEN_SECRET })).toThrow(/STAFF_TOKEN_SECRET is published/);
    expect(() => refusePublishedSecrets('production', { A: 'own-secret', B: 'dev-key' }, ['dev-key'])).toThrow(/^invalid configuration: B is published/);
    expect(() => refusePublishedSecrets('development', { STAFF_TOKEN_SECRET: DEV_STAFF_TOKEN_SECRET })).not.toThrow();
    expect(() => refusePublishedSecrets('test', { STAFF_TOKEN_SECRET: DEV_STAFF_TOKEN_SECRET })).not.toThrow();
    expect(() => refusePublishedSecrets('production', { STAFF_TOKEN_SECRET: 'a-secret-of-our-own-0123456789-abcdef', UNSET: undefined })).not.toThrow();
  });
});

describe('the verifier a service configures', () => {
  const base = { STAFF_TOKEN_ISSUER: 'ecogrid', STAFF_TOKEN_AUDIENCE: 'ecogrid-staff' };
  it('falls back to the development secret only in development or test, and never takes it elsewhere', () => {
    expect(() => verifierFromSettings({ ...base, NODE_ENV: 'development' })).not.toThrow();
    expect(() => verifierFromSettings({ ...base })).toThrow(/set STAFF_TOKEN_SECRET/);
    expect(() => verifierFromSettings({ ...base, NODE_ENV: 'production', STAFF_TOKEN_SECRET: DEV_STAFF_TOKEN_SECRET })).toThrow(/published/);
    expect(() => verifierFromSettings({ ...base, NODE_ENV: 'production', STAFF_TOKEN_SECRET: 'our-own-secret-0123456789-0123456789' })).not.toThrow();
  });
});
