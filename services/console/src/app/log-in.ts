import type { PasswordHasher, Session, SessionStore, UserDirectory } from './ports';

export class LoginRefused extends Error {
  readonly code = 'login_refused';
  constructor() {
    super('用户名或密码不正确');
    this.name = 'LoginRefused';
  }
}

/**
 * Checks a username and password and opens a session. An unknown user costs a hash like a known one, and both are
 * refused with the same words, so a caller cannot tell which usernames exist.
 */
export function createLogIn(deps: { users: UserDirectory; passwords: PasswordHasher; sessions: SessionStore; decoyHash: string }) {
  return async function logIn(username: string, password: string): Promise<Session> {
    const user = deps.users.find(username);
    const matches = await deps.passwords.verify(password, user?.passwordHash ?? deps.decoyHash);
    if (!user || !matches) throw new LoginRefused();
    const { passwordHash: _hash, ...staff } = user;
    return deps.sessions.create(staff);
  };
}
