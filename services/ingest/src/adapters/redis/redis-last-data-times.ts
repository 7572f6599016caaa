import type { Redis } from 'ioredis';
import type { LastDataTimes } from '../../app/ports';

/** The data uploads whose latest values ingest keeps per device (`<prefix>latest:<MN>:<CN>`). */
const DATA_COMMANDS = ['2011', '2051', '2061'] as const;

/**
 * The newest DataTime stored for a device, from the data time (`_ms`) the latest-value hashes carry for each upload
 * command: no write of its own on the frame path. Asked for before a connection's first frame is stored — Redis runs
 * one connection's commands in order, so the answer is what the device had sent before that frame.
 */
export function createRedisLastDataTimes(options: { redis: Redis; prefix: string }): LastDataTimes {
  return {
    newest: async (mn) => {
      const values = await Promise.all(DATA_COMMANDS.map((cn) => options.redis.hget(`${options.prefix}latest:${mn}:${cn}`, '_ms')));
      let newest = -Infinity;
      for (const value of values) if (value !== null && Number(value) > newest) newest = Number(value);
      return Number.isFinite(newest) ? new Date(newest) : undefined;
    },
  };
}
