import { describe, expect, it } from 'vitest';
import { createPasswordVerifier, isUsableVerifier, verifyPassword } from './password-verifier';

const FAST = { log2N: 10, blockSize: 8, parallelism: 1 };

describe('password verifiers', () => {
  it('accepts the password it was made from and nothing else', async () => {
    const verifier = await createPasswordVerifier('123456', FAST);
    expect(await verifyPassword(verifier, '123456')).toBe(true);
    expect(await verifyPassword(verifier, '123457')).toBe(false);
    expect(await verifyPassword(verifier, '')).toBe(false);
  });

  it('salts every verifier, so two devices with one password get different hashes', async () => {
    const [a, b] = await Promise.all([createPasswordVerifier('same', FAST), createPasswordVerifier('same', FAST)]);
    expect(Buffer.from(a.salt).equals(Buffer.from(b.salt))).toBe(false);
    expect(Buffer.from(a.hash).equals(Buffer.from(b.hash))).toBe(false);
  });

  it('checks with the parameters in the record, so older verifiers keep working when the defaults rise', async () => {
    const old = await createPasswordVerifier('pw', { log2N: 8, blockSize: 4, parallelism: 1 });
    expect(old).toMatchObject({ algorithm: 'scrypt', log2N: 8, blockSize: 4, parallelism: 1 });
    expect(await verifyPassword(old, 'pw')).toBe(true);
  });

  it('refuses, without running it, a verifier whose parameters would cost unbounded memory or are not scrypt', async () => {
    const good = await createPasswordVerifier('pw', FAST);
    for (const bad of [{ ...good, log2N: 30 }, { ...good, blockSize: 0 }, { ...good, algorithm: 'md5' as 'scrypt' }, { ...good, salt: new Uint8Array(0) }]) {
      expect(isUsableVerifier(bad)).toBe(false);
      expect(await verifyPassword(bad, 'pw')).toBe(false);
    }
  });
});
