import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { STAFF_ROLES } from '@ecogrid/staff-auth';
import { z } from 'zod';
import type { Session, SessionStore } from '../../app/ports';

export interface RedisSessionStoreOptions {
  redis: Pick<Redis, 'set' | 'get' | 'del'>;
  /** Prefix of the console's keys; a session is `<prefix>session:<id>`. */
  prefix: string;
  ttlSeconds: number;
  now?: () => number;
}

/** What a session's key holds; anything else found there counts as no session. */
const storedSession = z.object({
  user: z.object({
    username: z.string().min(1),
    displayName: z.string(),
    role: z.enum(STAFF_ROLES),
    officerId: z.string().optional(),
    townshipCode: z.string().optional(),
  }),
  csrfToken: z.string().min(1),
  expiresAt: z.number().int(),
});

/**
 * Sessions in Redis, so that every console instance behind one address knows every session: a login on one serves
 * the next request on another, a logout on one ends it everywhere, and a restart logs nobody out. The cookie holds
 * only the random id (256 bits); the key expires with the session (Redis drops it, no sweep), and the expiry is
 * checked again on read so a clock difference between Redis and the console cannot stretch it. Redis's own memory
 * limit bounds the count, where the memory store needs SESSION_LIMIT.
 */
export function createRedisSessionStore(options: RedisSessionStoreOptions): SessionStore {
  const now = options.now ?? Date.now;
  const key = (id: string): string => `${options.prefix}session:${id}`;
  const token = (): string => randomBytes(32).toString('base64url');
  return {
    create: async (user) => {
      const session: Session = { id: token(), user, csrfToken: token(), expiresAt: new Date(now() + options.ttlSeconds * 1000) };
      await options.redis.set(key(session.id), JSON.stringify({ user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.getTime() }), 'PX', options.ttlSeconds * 1000);
      return session;
    },
    get: async (id) => {
      const text = await options.redis.get(key(id));
      if (text === null) return undefined;
      let parsed: z.infer<typeof storedSession>;
      try {
        parsed = storedSession.parse(JSON.parse(text));
      } catch {
        return undefined;
      }
      if (parsed.expiresAt <= now()) return undefined;
      const { officerId, townshipCode, ...user } = parsed.user;
      return {
        id,
        user: { ...user, ...(officerId === undefined ? {} : { officerId }), ...(townshipCode === undefined ? {} : { townshipCode }) },
        csrfToken: parsed.csrfToken,
        expiresAt: new Date(parsed.expiresAt),
      };
    },
    end: async (id) => {
      await options.redis.del(key(id));
    },
  };
}
