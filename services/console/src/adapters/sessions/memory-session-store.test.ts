import { describe, expect, it } from 'vitest';
import { createMemorySessionStore } from './memory-session-store';
import { describeSessionStoreContract } from '../../app/testing/session-store.contract';

const user = { username: 'd', displayName: 'D', role: 'dispatcher' as const };

describeSessionStoreContract('memory', ({ ttlSeconds, now }) => createMemorySessionStore({ ttlSeconds, limit: 10, now }));

describe('sessions in memory', () => {
  it('ends the oldest session when the limit is reached', async () => {
    const store = createMemorySessionStore({ ttlSeconds: 60, limit: 2, now: () => 0 });
    const [first, second, third] = [await store.create(user), await store.create(user), await store.create(user)];
    expect(await store.get(first.id)).toBeUndefined();
    expect(await store.get(second.id)).toBeDefined();
    expect(await store.get(third.id)).toBeDefined();
  });
});
