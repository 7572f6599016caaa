import { describe, expect, it } from 'vitest';
import { createMemorySessionStore } from './memory-session-store';

const user = { username: 'd', displayName: 'D', role: 'dispatcher' as const };

describe('sessions in memory', () => {
  it('gives each session unguessable ids and tokens, and forgets it when it ends or expires', () => {
    let now = 0;
    const store = createMemorySessionStore({ ttlSeconds: 60, limit: 10, now: () => now });
    const session = store.create(user);
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrfToken).not.toBe(session.id);
    expect(store.get(session.id)?.user).toEqual(user);
    now = 60_000;
    expect(store.get(session.id)).toBeUndefined();
    const other = store.create(user);
    store.end(other.id);
    expect(store.get(other.id)).toBeUndefined();
  });

  it('ends the oldest session when the limit is reached', () => {
    const store = createMemorySessionStore({ ttlSeconds: 60, limit: 2, now: () => 0 });
    const [first, second, third] = [store.create(user), store.create(user), store.create(user)];
    expect(store.get(first.id)).toBeUndefined();
    expect(store.get(second.id)).toBeDefined();
    expect(store.get(third.id)).toBeDefined();
  });
});
