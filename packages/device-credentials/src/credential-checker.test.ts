import { describe, expect, it } from 'vitest';
import { createCredentialChecker } from './credential-checker';
import { createPasswordVerifier } from './password-verifier';
import { maskFramePassword } from './mask-password';

const FAST = { log2N: 10, blockSize: 8, parallelism: 1 };

describe('the credential checker', () => {
  it('runs scrypt once per (MN, password) while the device keeps using it, and again after a rotation', async () => {
    let now = 0;
    const checker = createCredentialChecker({ ttlMs: 1_000, now: () => now, decoyParameters: FAST });
    const verifier = await createPasswordVerifier('pw', FAST);
    for (let i = 0; i < 100; i += 1) {
      expect(await checker.check('MN1', verifier, 'pw')).toBe(true);
      now += 500; // used twice a TTL: never expires
    }
    expect(checker.stats).toMatchObject({ hits: 99, misses: 1 });
    const rotated = await createPasswordVerifier('new', FAST);
    expect(await checker.check('MN1', rotated, 'pw')).toBe(false);
    expect(await checker.check('MN1', rotated, 'new')).toBe(true);
  });

  it('keeps an entry when the same verifier arrives again as another object, as when the registry view re-reads its topic', async () => {
    const checker = createCredentialChecker({ decoyParameters: FAST });
    const verifier = await createPasswordVerifier('pw', FAST);
    expect(await checker.check('MN1', verifier, 'pw')).toBe(true);
    const delivered = { ...verifier, salt: Uint8Array.from(verifier.salt), hash: Uint8Array.from(verifier.hash) };
    expect(checker.remembered('MN1', delivered, 'pw')).toBe(true);
    expect(await checker.check('MN1', delivered, 'pw')).toBe(true);
    expect(checker.stats).toMatchObject({ hits: 2, misses: 1 });
    const tampered = { ...delivered, hash: Uint8Array.from(delivered.hash, (byte, index) => (index === 0 ? byte ^ 1 : byte)) };
    expect(checker.remembered('MN1', tampered, 'pw')).toBe(false);
  });

  it('forgets an entry unused for longer than its TTL, and keeps at most maxEntries', async () => {
    let now = 0;
    const checker = createCredentialChecker({ ttlMs: 1_000, maxEntries: 2, now: () => now, decoyParameters: FAST });
    const verifier = await createPasswordVerifier('pw', FAST);
    await checker.check('MN1', verifier, 'pw');
    now += 1_001;
    await checker.check('MN1', verifier, 'pw');
    expect(checker.stats.misses).toBe(2);
    await checker.check('MN2', verifier, 'pw');
    await checker.check('MN3', verifier, 'pw');
    expect(checker.stats.size).toBe(2);
  });

  it('never caches a failure, and refuses an unknown MN after a check of the same cost', async () => {
    const checker = createCredentialChecker({ decoyParameters: FAST });
    const verifier = await createPasswordVerifier('pw', FAST);
    expect(await checker.check('MN1', verifier, 'guess')).toBe(false);
    expect(await checker.check('MN1', verifier, 'guess')).toBe(false);
    expect(await checker.check('NOPE', undefined, 'pw')).toBe(false);
    expect(checker.stats).toMatchObject({ hits: 0, misses: 3, size: 0 });
  });
});

describe('masking PW= in raw frames', () => {
  it('replaces every PW value, whatever surrounds it, and leaves other bytes alone', () => {
    const frame = '##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80\r\n';
    expect(maskFramePassword(Buffer.from(frame, 'latin1')).toString('latin1')).toBe(frame.replace('PW=100000', 'PW=***'));
    expect(maskFramePassword(Buffer.from('garbage PW=secret&&PW=two\r\nPW=three', 'latin1')).toString('latin1')).toBe('garbage PW=***&&PW=***\r\nPW=***');
    const binary = Buffer.from([0xff, 0x00, 0x23]);
    expect(maskFramePassword(binary).equals(binary)).toBe(true);
  });
});
