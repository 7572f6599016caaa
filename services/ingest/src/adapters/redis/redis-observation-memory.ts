import type { Redis } from 'ioredis';
import type { Observation } from '../../domain/observation';
import type { ObservationMemory } from '../../app/ports';

export interface RedisObservationMemoryOptions {
  redis: Redis;
  /** Key prefix; tests isolate themselves with their own. */
  prefix?: string;
  /** How long a stored observation is remembered: longer than any device's re-send window. */
  dedupeTtlSeconds?: number;
}

// Replaces a device's latest values for one command only with values at least as recent: a late re-send
// must not overwrite newer data. `_ms` holds the data time of the values in the hash.
const SET_LATEST = `
  local current = redis.call('HGET', KEYS[1], '_ms')
  if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
  redis.call('HSET', KEYS[1], '_ms', ARGV[1], unpack(ARGV, 2))
  return 1`;

type WithSetLatest = { ecogridSetLatest(key: string, ...args: Array<string | number>): unknown };

/**
 * Dedupe keys `<prefix>seen:<observation id>` with a TTL, and per device and command a hash
 * `<prefix>latest:<MN>:<command>` whose fields are `<factor>-<kind>` → `{"value","flag","at"}`, for the
 * console. All calls of one event-loop turn share one round trip (see createBatchedObservationMemory).
 */
export function createRedisObservationMemory(options: RedisObservationMemoryOptions): ObservationMemory & { latest(mn: string, command?: string): Promise<Record<string, string>> } {
  const prefix = options.prefix ?? 'ingest:';
  const ttl = options.dedupeTtlSeconds ?? 48 * 3600;
  const redis = options.redis;
  redis.defineCommand('ecogridSetLatest', { numberOfKeys: 1, lua: SET_LATEST });

  return {
    known: async (ids) => {
      if (ids.length === 0) return [];
      const values = await redis.mget(ids.map((id) => `${prefix}seen:${id}`));
      return values.map((value) => value !== null);
    },
    remember: async (observations: readonly Observation[]) => {
      if (observations.length === 0) return;
      const pipeline = redis.pipeline();
      for (const observation of observations) {
        pipeline.set(`${prefix}seen:${observation.id}`, '1', 'EX', ttl);
        const at = observation.dataTime.toISOString();
        const fields: Array<string | number> = [observation.dataTime.getTime()];
        for (const measurement of observation.measurements) {
          // Built by hand: this runs for every measurement of every frame, and the parts need no escaping.
          fields.push(`${measurement.factorCode}-${measurement.kind}`, `{"value":${measurement.value},"flag":"${measurement.flag}","at":"${at}"}`);
        }
        (pipeline as unknown as WithSetLatest).ecogridSetLatest(`${prefix}latest:${observation.deviceMn}:${observation.command}`, ...fields);
      }
      const results = await pipeline.exec();
      const failure = results?.find(([error]) => error !== null);
      if (failure?.[0]) throw failure[0];
    },
    latest: async (mn, command = '2011') => {
      const raw = await redis.hgetall(`${prefix}latest:${mn}:${command}`);
      delete raw._ms;
      return raw;
    },
  };
}
