import { describe, expect, it } from 'vitest';
import { isDomainError } from '@ecogrid/domain-errors';
import { createLogIn } from './log-in';
import type { StoredUser } from './ports';
import { createFakeLoginThrottle } from './testing/fake-login-throttle';
import { createFakeSessionStore } from './testing/fake-session-store';

const officer: StoredUser = { username: 'officer1', displayName: '武芳', role: 'officer', officerId: 'GO-YH0001', passwordHash: 'hash:right' };

function fakes(now = () => 0) {
  const checked: string[] = [];
  const sessions = createFakeSessionStore({ ttlSeconds: 60, now });
  const created = sessions.created;
  const logIn = createLogIn({
    users: { find: (username) => (username === officer.username ? officer : undefined) },
    passwords: { verify: async (password, hash) => (checked.push(hash), hash === `hash:${password}`) },
    sessions,
    decoyHash: 'hash:decoy-that-matches-nothing',
    throttle: createFakeLoginThrottle({ maxFailures: 3, windowMs: 60_000, now }),
  });
  return { logIn, checked, created };
}

describe('logging in', () => {
  it('opens a session for the right password and keeps the hash out of it', async () => {
    const { logIn, created } = fakes();
    const session = await logIn('officer1', 'right', '10.0.0.1');
    expect(session.user).toEqual({ username: 'officer1', displayName: '武芳', role: 'officer', officerId: 'GO-YH0001' });
    expect(created).toHaveLength(1);
  });

  it('refuses a wrong password and an unknown user with the same error, and checks a hash for both', async () => {
    const { logIn, checked, created } = fakes();
    const wrong = await logIn('officer1', 'wrong', '10.0.0.1').catch((error: unknown) => error);
    const unknown = await logIn('nobody', 'right', '10.0.0.1').catch((error: unknown) => error);
    for (const error of [wrong, unknown]) {
      expect(isDomainError(error) && error.code === 'UNAUTHENTICATED' && error.reason === 'login_refused').toBe(true);
      expect((error as Error).message).toBe('用户名或密码不正确');
    }
    expect(checked).toEqual(['hash:right', 'hash:decoy-that-matches-nothing']);
    expect(created).toHaveLength(0);
  });

  it('refuses a username from an address after 3 failures until the window has passed, whatever the password, and not from elsewhere', async () => {
    let now = 0;
    const { logIn, checked } = fakes(() => now);
    for (let attempt = 0; attempt < 3; attempt += 1) await logIn('officer1', 'guess', '10.0.0.9').catch(() => undefined);
    const blocked = await logIn('officer1', 'right', '10.0.0.9').catch((error: unknown) => error);
    expect(isDomainError(blocked) && blocked.code === 'RESOURCE_EXHAUSTED' && blocked.reason === 'too_many_attempts').toBe(true);
    expect(checked).toHaveLength(3);
    await expect(logIn('officer1', 'right', '10.0.0.1')).resolves.toMatchObject({ user: { username: 'officer1' } });
    now = 60_000;
    await expect(logIn('officer1', 'right', '10.0.0.9')).resolves.toMatchObject({ user: { username: 'officer1' } });
  });
});
