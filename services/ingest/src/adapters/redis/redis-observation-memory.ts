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

/**
 * Dedupe keys `<prefix>seen:<observation id>` with a TTL, and a hash per device `<prefix>latest:<mn>`
 * whose fields are `<factor>-<kind>` → `{"value","flag","at"}` for the console. A newer data time never
 * loses to an older re-send: the latest value is only replaced by a value at least as recent.
 */
export function createRedisObservationMemory(options: RedisObservationMemoryOptions): ObservationMemory & { latest(mn: string): Promise<Record<string, string>> } {
  const prefix = options.prefix ?? 'ingest:';
  const ttl = options.dedupeTtlSeconds ?? 48 * 3600;
  const redis = options.redis;
  redis.defineCommand('ecogridSetLatest', {
    numberOfKeys: 1,
    // ARGV: at (epoch ms), then field/json pairs. Replaces a field only when its stored time is not newer.
    lua: `
      local at = tonumber(ARGV[1])
      for i = 2, #ARGV, 2 do
        local current = redis.call('HGET', KEYS[1], ARGV[i])
        local keep = false
        if current then
          local ok, decoded = pcall(cjson.decode, current)
          if ok and decoded.ms and tonumber(decoded.ms) > at then keep = true end
        end
        if not keep then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
      end
      return 1`,
  });
  type WithCommand = Redis & { ecogridSetLatest(key: string, ...args: Array<string | number>): Promise<number> };
  const scripted = redis as WithCommand;

  return {
    known: async (ids) => {
      if (ids.length === 0) return [];
      const values = await redis.mget(...ids.map((id) => `${prefix}seen:${id}`));
      return values.map((value) => value !== null);
    },
    remember: async (observations: readonly Observation[]) => {
      const pipeline = redis.pipeline();
      for (const observation of observations) {
        pipeline.set(`${prefix}seen:${observation.id}`, '1', 'EX', ttl);
        const at = observation.dataTime.getTime();
        const fields: Array<string | number> = [at];
        for (const measurement of observation.measurements) {
          fields.push(
            `${measurement.factorCode}-${measurement.kind}`,
            JSON.stringify({ value: measurement.value, flag: measurement.flag, at: observation.dataTime.toISOString(), ms: at }),
          );
        }
        (pipeline as unknown as WithCommand).ecogridSetLatest(`${prefix}latest:${observation.deviceMn}`, ...fields);
      }
      const results = await pipeline.exec();
      const failure = results?.find(([error]) => error !== null);
      if (failure?.[0]) throw failure[0];
    },
    latest: async (mn) => {
      const raw = await scripted.hgetall(`${prefix}latest:${mn}`);
      const clean: Record<string, string> = {};
      for (const [field, json] of Object.entries(raw)) {
        const { value, flag, at } = JSON.parse(json) as { value: number; flag: string; at: string };
        clean[field] = JSON.stringify({ value, flag, at });
      }
      return clean;
    },
  };
}
