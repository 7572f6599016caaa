import { randomBytes } from 'node:crypto';
import type { Session, SessionStore } from '../../app/ports';

/**
 * Sessions in this process's memory: the cookie holds only a random id (256 bits). A restart logs everyone out, and
 * a second console instance would not know them: several instances use the Redis store (`SESSION_STORE=redis`).
 * At most `limit` sessions are kept, the oldest ended first, so logins cannot grow memory without bound.
 */
export function createMemorySessionStore(options: { ttlSeconds: number; limit: number; now?: () => number }): SessionStore {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const token = (): string => randomBytes(32).toString('base64url');
  return {
    create: async (user) => {
      for (const [id, session] of sessions) {
        if (sessions.size < options.limit && session.expiresAt.getTime() > now()) break;
        sessions.delete(id);
      }
      const session: Session = { id: token(), user, csrfToken: token(), expiresAt: new Date(now() + options.ttlSeconds * 1000) };
      sessions.set(session.id, session);
      return session;
    },
    get: async (id) => {
      const session = sessions.get(id);
      if (!session) return undefined;
      if (session.expiresAt.getTime() <= now()) {
        sessions.delete(id);
        return undefined;
      }
      return session;
    },
    end: async (id) => void sessions.delete(id),
  };
}
