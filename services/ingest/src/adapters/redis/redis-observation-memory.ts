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

// One command for a whole batch. KEYS: first the latest-value hashes, then the dedupe keys. ARGV: the dedupe
// TTL, the number of hashes, then per hash its data time (ms) and its fields packed in one string, each
// `field US value RS` (ASCII unit and record separators): one argument per device instead of two per value,
// because encoding the arguments was most of what this command cost ingest. A device's values for one command
// are replaced only by values at least as recent (`_ms`): a late re-send must not overwrite newer data.
const REMEMBER = `
  local ttl = ARGV[1]
  local hashes = tonumber(ARGV[2])
  for index = 1, hashes do
    local key = KEYS[index]
    local at = ARGV[1 + index * 2]
    local current = redis.call('HGET', key, '_ms')
    if not current or tonumber(current) <= tonumber(at) then
      local fields = { '_ms', at }
      for field, value in string.gmatch(ARGV[2 + index * 2], '([^\\31]+)\\31([^\\30]*)\\30') do
        fields[#fields + 1] = field
        fields[#fields + 1] = value
      end
      redis.call('HSET', key, unpack(fields))
    end
  end
  for index = hashes + 1, #KEYS do redis.call('SET', KEYS[index], '1', 'EX', ttl) end
  return #KEYS`;
const UNIT_SEPARATOR = '\x1f';
const RECORD_SEPARATOR = '\x1e';
/** A factor code is the device's text: one holding a separator would shift the fields after it, so it is not kept. */
const SEPARATORS = /[\x1e\x1f]/;

type WithRemember = { ecogridRemember(keyCount: number, ...keysAndArgs: Array<string | number>): Promise<unknown> };

/**
 * Dedupe keys `<prefix>seen:<observation id>` with a TTL, and per device and command a hash
 * `<prefix>latest:<MN>:<command>` whose fields are `<factor>-<kind>` → `{"value","flag","at"}`, for the
 * console. `remember` is one Redis command for any number of observations; ingest gathers its calls over
 * `REMEMBER_FLUSH_MS` into one (see createBatchedObservationMemory).
 */
export function createRedisObservationMemory(options: RedisObservationMemoryOptions): ObservationMemory & { latest(mn: string, command?: string): Promise<Record<string, string>> } {
  const prefix = options.prefix ?? 'ingest:';
  const ttl = options.dedupeTtlSeconds ?? 48 * 3600;
  const redis = options.redis;
  redis.defineCommand('ecogridRemember', { lua: REMEMBER });

  return {
    known: async (ids) => {
      if (ids.length === 0) return [];
      const values = await redis.mget(ids.map((id) => `${prefix}seen:${id}`));
      return values.map((value) => value !== null);
    },
    remember: async (observations: readonly Observation[]) => {
      if (observations.length === 0) return;
      // Only the newest observation per device and command can become its latest values.
      const newest = new Map<string, Observation>();
      for (const observation of observations) {
        const key = `${prefix}latest:${observation.deviceMn}:${observation.command}`;
        const current = newest.get(key);
        if (!current || current.dataTime.getTime() <= observation.dataTime.getTime()) newest.set(key, observation);
      }
      const keys: string[] = [];
      const args: Array<string | number> = [];
      for (const [key, observation] of newest) {
        keys.push(key);
        const at = observation.dataTime.toISOString();
        let packed = '';
        for (const measurement of observation.measurements) {
          if (SEPARATORS.test(measurement.factorCode)) continue;
          // Built by hand: this runs for every measurement, and the parts need no escaping.
          packed += `${measurement.factorCode}-${measurement.kind}${UNIT_SEPARATOR}{"value":${measurement.value},"flag":"${measurement.flag}","at":"${at}"}${RECORD_SEPARATOR}`;
        }
        args.push(observation.dataTime.getTime(), packed);
      }
      const hashes = keys.length;
      for (const observation of observations) keys.push(`${prefix}seen:${observation.id}`);
      await (redis as unknown as WithRemember).ecogridRemember(keys.length, ...keys, ttl, hashes, ...args);
    },
    latest: async (mn, command = '2011') => {
      const raw = await redis.hgetall(`${prefix}latest:${mn}:${command}`);
      delete raw._ms;
      return raw;
    },
  };
}
