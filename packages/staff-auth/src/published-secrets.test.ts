import { describe, expect, it } from 'vitest';
import { DEV_STAFF_TOKEN_SECRET, refusePublishedSecrets } from './published-secrets';

describe('published secrets', () => {
  it('are refused unless NODE_ENV is development or test; an unset NODE_ENV counts as production', () => {
    expect(() => refusePublishedSecrets(undefined, { STAFF_TOKEN_SECRET: DEV_STAFF_TOKEN_SECRET })).toThrow(/STAFF_TOKEN_SECRET is published/);
    expect(() => refusePublishedSecrets('production', { A: 'own-secret', B: 'dev-key' }, ['dev-key'])).toThrow(/^invalid configuration: B is published/);
    expect(() => refusePublishedSecrets('development', { STAFF_TOKEN_SECRET: DEV_STAFF_TOKEN_SECRET })).not.toThrow();
    expect(() => refusePublishedSecrets('test', { STAFF_TOKEN_SECRET: DEV_STAFF_TOKEN_SECRET })).not.toThrow();
    expect(() => refusePublishedSecrets('production', { STAFF_TOKEN_SECRET: 'a-secret-of-our-own-0123456789-abcdef', UNSET: undefined })).not.toThrow();
  });
});
