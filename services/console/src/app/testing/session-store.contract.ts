import { describe, expect, it } from 'vitest';
import type { SessionStore } from '../ports';

/** A store under test, with the clock it reads. */
export type MakeSessionStore = (options: { ttlSeconds: number; now: () => number }) => Promise<SessionStore> | SessionStore;

const dispatcher = { username: 'd', displayName: '调度员', role: 'dispatcher' as const };
const supervisor = { username: 's', displayName: '督办员', role: 'supervisor' as const, officerId: 'GO-1', townshipCode: '140802001' };

/** What every session store does: the memory one in unit tests, Redis's against a real server. */
export function describeSessionStoreContract(name: string, make: MakeSessionStore): void {
  describe(`session store contract: ${name}`, () => {
    it('gives each session unguessable ids and tokens and answers it with its user', async () => {
      const store = await make({ ttlSeconds: 60, now: Date.now });
      const [first, second] = [await store.create(dispatcher), await store.create(supervisor)];
      expect(first.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(first.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(new Set([first.id, first.csrfToken, second.id, second.csrfToken]).size).toBe(4);
      expect(await store.get(first.id)).toEqual(first);
      expect((await store.get(second.id))?.user).toEqual(supervisor);
      expect(await store.get('no-such-session')).toBeUndefined();
    });

    it('forgets a session once it ends, and one whose time is up', async () => {
      let now = Date.now();
      const store = await make({ ttlSeconds: 60, now: () => now });
      const ended = await store.create(dispatcher);
      const expiring = await store.create(dispatcher);
      await store.end(ended.id);
      expect(await store.get(ended.id)).toBeUndefined();
      expect(await store.get(expiring.id)).toBeDefined();
      now += 60_000;
      expect(await store.get(expiring.id)).toBeUndefined();
    });
  });
}
