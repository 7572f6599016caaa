import { describe, expect, it } from 'vitest';
import { hashPassword, scryptPasswords } from './scrypt-passwords';

describe('scrypt password hashes', () => {
  it('verifies the password it hashed and refuses another, or a malformed hash', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await scryptPasswords.verify('correct horse battery', hash)).toBe(true);
    expect(await scryptPasswords.verify('correct horse batterY', hash)).toBe(false);
    expect(await scryptPasswords.verify('x', 'plain-text')).toBe(false);
  });
});
