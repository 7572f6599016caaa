import type { Redis } from 'ioredis';
import type { Quotas } from '../../app/ports';
import { timedStage } from '../telemetry/request-stages';

/**
 * Admission in one round trip: counts the request in the partner's one-second window (a fixed window that starts
 * with its first request, as rate-limiter-flexible's) and reads its rows of the day beside it, so the pull has what
 * it checks rows against without asking again. Returns [requests in the window, ms left in it, rows of the day].
 */
const ADMIT = `
local used = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return { used, left, tonumber(redis.call('GET', KEYS[2]) or '0') }`;

/** Adds a pull's rows to the day's counter and keeps it two days: one command instead of MULTI, INCRBY, EXPIRE, EXEC. */
const ADD_ROWS = `
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 0`;

const WINDOW_MS = 1_000;
const ROWS_KEPT_S = 2 * 86_400;

type AdmitCommand = (windowKey: string, rowsKey: string, windowMs: number) => Promise<[number, number, number]>;
type AddRowsCommand = (rowsKey: string, rows: number, keptSeconds: number) => Promise<number>;

/**
 * Quotas in Redis, shared by every instance: requests per second as a counter per partner and second-long window,
 * rows per day as a counter per partner and day that expires two days later. Scripts are sent by their SHA
 * (ioredis' defineCommand, EVALSHA with a fallback to EVAL).
 */
export function createRedisQuotas(redis: Redis, keyPrefix: string): Quotas {
  redis.defineCommand('sharingAdmit', { numberOfKeys: 2, lua: ADMIT });
  redis.defineCommand('sharingAddRows', { numberOfKeys: 1, lua: ADD_ROWS });
  const scripts = redis as Redis & { sharingAdmit: AdmitCommand; sharingAddRows: AddRowsCommand };
  const admit = scripts.sharingAdmit.bind(redis);
  const addRows = scripts.sharingAddRows.bind(redis);
  const rowsKey = (partnerId: string, day: string): string => `${keyPrefix}rows:${partnerId}:${day}`;
  return {
    takeRequest: async (partnerId, policy, day) => {
      const [used, leftMs, rowsUsed] = await timedStage('admission', () => admit(`${keyPrefix}rps:${partnerId}`, rowsKey(partnerId, day), WINDOW_MS));
      const allowed = used <= policy.requestsPerSecond;
      return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(leftMs / 1000)), rowsUsed };
    },
    rowsUsed: async (partnerId, day) => Number((await redis.get(rowsKey(partnerId, day))) ?? 0),
    addRows: async (partnerId, day, rows) => {
      await addRows(rowsKey(partnerId, day), rows, ROWS_KEPT_S);
    },
  };
}
