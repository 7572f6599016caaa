import { DomainError } from '@ecogrid/domain-errors';
import type { LoginThrottle, PasswordHasher, Session, SessionStore, UserDirectory } from './ports';

/** One answer for an unknown user and a wrong password alike. */
export function loginRefused(): DomainError {
  return new DomainError('UNAUTHENTICATED', '用户名或密码不正确', { reason: 'login_refused' });
}

/**
 * Checks a username and password and opens a session. An unknown user costs a hash like a known one, and both are
 * refused with the same words, so a caller cannot tell which usernames exist; repeated failures from one address
 * for one username are throttled.
 */
export function createLogIn(deps: { users: UserDirectory; passwords: PasswordHasher; sessions: SessionStore; decoyHash: string; throttle: LoginThrottle }) {
  return async function logIn(username: string, password: string, address: string): Promise<Session> {
    const waitMs = await deps.throttle.retryAfterMs(username, address);
    if (waitMs > 0) throw new DomainError('RESOURCE_EXHAUSTED', `登录失败次数过多，请 ${Math.ceil(waitMs / 60_000)} 分钟后再试`, { reason: 'too_many_attempts' });
    const user = deps.users.find(username);
    const matches = await deps.passwords.verify(password, user?.passwordHash ?? deps.decoyHash);
    if (!user || !matches) {
      await deps.throttle.failed(username, address);
      throw loginRefused();
    }
    await deps.throttle.succeeded(username, address);
    const { passwordHash: _hash, ...staff } = user;
    return deps.sessions.create(staff);
  };
}
