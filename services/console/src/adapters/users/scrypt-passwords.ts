import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../../app/ports';

/** `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`: the parameters travel with the hash so they can be raised later. */
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;
const DEFAULTS = { N: 16_384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, length, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))));
}

/** Hashes a password for the users file (`node dist/cli/hash-password.js`). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULTS, KEY_LENGTH);
  return `scrypt$${DEFAULTS.N}$${DEFAULTS.r}$${DEFAULTS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Node's scrypt (no dependency); the stored hash is compared in constant time. */
export const scryptPasswords: PasswordHasher = {
  verify: async (password, stored) => {
    const match = FORMAT.exec(stored);
    if (!match) return false;
    const [, n, r, p, salt, hash] = match;
    const expected = Buffer.from(hash ?? '', 'base64');
    const key = await derive(password, Buffer.from(salt ?? '', 'base64'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
    return expected.length > 0 && timingSafeEqual(key, expected);
  },
};
