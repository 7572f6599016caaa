import { DomainError } from '@ecogrid/domain-errors';
import type { PasswordHasher, Session, SessionStore, UserDirectory } from './ports';

/** One answer for an unknown user and a wrong password alike. */
export function loginRefused(): DomainError {
  return new DomainError('UNAUTHENTICATED', '用户名或密码不正确', { reason: 'login_refused' });
}

/**
 * Checks a username and password and opens a session. An unknown user costs a hash like a known one, and both are
 * refused with the same words, so a caller cannot tell which usernames exist.
 */
export function createLogIn(deps: { users: UserDirectory; passwords: PasswordHasher; sessions: SessionStore; decoyHash: string }) {
  return async function logIn(username: string, password: string): Promise<Session> {
    const user = deps.users.find(username);
    const matches = await deps.passwords.verify(password, user?.passwordHash ?? deps.decoyHash);
    if (!user || !matches) throw loginRefused();
    const { passwordHash: _hash, ...staff } = user;
    return deps.sessions.create(staff);
  };
}
