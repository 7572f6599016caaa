import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { testEnvironment, uniqueRedisPrefix } from '@ecogrid/testkit';
import { createRedisSessionStore } from '../src/adapters/sessions/redis-session-store';
import { describeSessionStoreContract } from '../src/app/testing/session-store.contract';
import { createRedisLoginThrottle } from '../src/adapters/login-throttle/redis-login-throttle';
import { describeLoginThrottleContract } from '../src/app/testing/login-throttle.contract';

const connections: Redis[] = [];
const connect = async (): Promise<Redis> => {
  const redis = new Redis((await testEnvironment()).redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  connections.push(redis);
  return redis;
};

afterAll(async () => {
  await Promise.all(connections.map((redis) => redis.quit()));
});

describeSessionStoreContract('redis', async ({ ttlSeconds, now }) => createRedisSessionStore({ redis: await connect(), prefix: uniqueRedisPrefix('console-sessions'), ttlSeconds, now }));

describeLoginThrottleContract('redis', async (limits) => createRedisLoginThrottle({ redis: await connect(), prefix: uniqueRedisPrefix('console-throttle'), ...limits }));

describe('failed logins in Redis, as two console instances count them', () => {
  it('refuses on one instance what was failed on the other, and keeps neither username nor address in the key', async () => {
    const prefix = uniqueRedisPrefix('console-throttle-two');
    const limits = { maxFailures: 3, windowMs: 900_000 };
    const [first, second] = [createRedisLoginThrottle({ redis: await connect(), prefix, ...limits }), createRedisLoginThrottle({ redis: await connect(), prefix, ...limits })];
    await first.failed('dispatcher', '10.1.2.3');
    await second.failed('dispatcher', '10.1.2.3');
    await first.failed('dispatcher', '10.1.2.3');
    expect(await second.retryAfterMs('dispatcher', '10.1.2.3')).toBeGreaterThan(0);
    const keys = await (await connect()).keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${prefix}login-failures:[0-9a-f]{64}$`));
    expect(await (await connect()).pttl(keys[0] ?? '')).toBeGreaterThan(800_000);
  });
});

describe('sessions in Redis, as two console instances see them', () => {
  const prefix = uniqueRedisPrefix('console-two');
  let first: ReturnType<typeof createRedisSessionStore>;
  let second: ReturnType<typeof createRedisSessionStore>;
  let inspect: Redis;

  beforeAll(async () => {
    // Two stores on two connections: what two console processes hold.
    first = createRedisSessionStore({ redis: await connect(), prefix, ttlSeconds: 120 });
    second = createRedisSessionStore({ redis: await connect(), prefix, ttlSeconds: 120 });
    inspect = await connect();
  });

  it('serves a login made on one instance on the other, ends it everywhere on logout, and lets Redis expire it', async () => {
    const session = await first.create({ username: 'dispatcher1', displayName: '调度员', role: 'dispatcher' });
    expect(await second.get(session.id)).toEqual(session);
    const ttl = await inspect.pttl(`${prefix}session:${session.id}`);
    expect(ttl).toBeGreaterThan(110_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
    // Only the random id is in the key; the value holds no password or token of the services.
    expect(await inspect.get(`${prefix}session:${session.id}`)).not.toMatch(/password|Bearer/i);
    await second.end(session.id);
    expect(await first.get(session.id)).toBeUndefined();
  });

  it('treats what it cannot read as no session', async () => {
    await inspect.set(`${prefix}session:garbled`, '{"user":{"username":"x"}}', 'PX', 60_000);
    expect(await first.get('garbled')).toBeUndefined();
  });
});
