import type { Session, SessionStore } from '../ports';

/** Sessions in a map for use-case tests, with the ids and tokens a test can read; it passes the session-store contract. */
export function createFakeSessionStore(options: { ttlSeconds: number; now: () => number }): SessionStore & { created: Session[] } {
  const sessions = new Map<string, Session>();
  const created: Session[] = [];
  const token = (): string => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  return {
    created,
    create: async (user) => {
      const session: Session = { id: token(), user, csrfToken: token(), expiresAt: new Date(options.now() + options.ttlSeconds * 1000) };
      sessions.set(session.id, session);
      created.push(session);
      return session;
    },
    get: async (id) => {
      const session = sessions.get(id);
      return session && session.expiresAt.getTime() > options.now() ? session : undefined;
    },
    end: async (id) => void sessions.delete(id),
  };
}
