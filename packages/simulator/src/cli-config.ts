import { z } from 'zod';
import { hostPort, LOG_LEVELS, parseConfig, splitHostPort } from '@ecogrid/service-kit';
const probability = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

/** One replayed exceedance: `<mn>:<factor code>:<start, seconds after start-up>:<duration, seconds>:<multiple of the limit>`. */
const EPISODE = /^([^:;\s]+):([A-Za-z0-9]+):(\d+(?:\.\d+)?):(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/;
const episodes = z
  .string()
  .default('')
  .transform((text, context) =>
    text
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .flatMap((part) => {
        const match = EPISODE.exec(part);
        if (!match) {
          context.addIssue({ code: 'custom', message: `"${part}" is not <mn>:<factor>:<start s>:<duration s>:<multiple>` });
          return [];
        }
        const [, mn, code, start, duration, multiple] = match;
        return [{ mn: mn as string, code: code as string, startAfterS: Number(start), durationS: Number(duration), multiple: Number(multiple) }];
      }),
  );

const schema = z.object({
  KAFKA_BROKERS: z.string().min(1),
  TOPIC_PREFIX: z.string().default(''),
  INGEST_HJ212_ADDRESS: hostPort.default('127.0.0.1:9212'),
  /** Upload frequency multiplier: 1 = real devices. */
  SIMULATOR_RATE: z.coerce.number().positive().default(1),
  SIMULATOR_SEED: z.string().default('yanhu'),
  SIMULATOR_EXCEEDANCE_PROBABILITY: probability(0.002),
  SIMULATOR_ABNORMAL_FLAG_PROBABILITY: probability(0.02),
  SIMULATOR_OUTAGE_PROBABILITY: probability(0.0005),
  /** Of those outages, the share that are a dropped link (the device measures on and answers history requests) rather than power off. */
  SIMULATOR_LINK_OUTAGE_SHARE: probability(0.5),
  SIMULATOR_ACK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  SIMULATOR_MAX_RETRIES: z.coerce.number().int().min(0).max(99).default(3),
  /** Simulate at most this many registry devices (0: all). */
  SIMULATOR_MAX_DEVICES: z.coerce.number().int().min(0).default(0),
  /** CSV with `mn` and `password` columns (e.g. the registry's devices file): devices not in it are not simulated. */
  SIMULATOR_PASSWORDS_FILE: z.string().min(1).optional(),
  SIMULATOR_REPORT_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  /**
   * The demo's heavy-pollution episode, `<minutes from start>:<hours>` (e.g. `0:72`): air stations hold PM2.5 near
   * 140 µg/m³ for that long (haze-episode.ts). Negative minutes put its start in the past (`-4320:96`: began 72 h
   * ago): the stations back-fill the past whole hours as hour records, then play the rest live. Off when unset.
   */
  SIMULATOR_HAZE_EPISODE: z
    .string()
    .regex(/^-?\d+:\d+(\.\d+)?$/, 'expected <minutes from start>:<hours>, e.g. 0:72, or -4320:96 for an episode that began 72 h ago')
    .optional(),
  SIMULATOR_HAZE_MULTIPLE: z.coerce.number().positive().max(20).default(1.4),
  /** Between two back-filled hour records of one station (an episode that began in the past). */
  SIMULATOR_HAZE_BACKFILL_PACE_MS: z.coerce.number().int().min(50).max(3_600_000).default(1_000),
  /**
   * Exceedances to replay at set moments after start-up, e.g. the demo's water-source incident
   * (`140802SZ0200000000000D01:w21003:60:1800:3` — ammonia nitrogen at 3× its limit from the first minute for half an hour).
   */
  SIMULATOR_EPISODES: episodes,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export type SimulatorCliConfig = z.infer<typeof schema> & { target: { host: string; port: number } };

/** Reads the environment once and fails fast, naming every bad variable. */
export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): SimulatorCliConfig {
  const config = parseConfig(schema, env);
  return { ...config, target: splitHostPort(config.INGEST_HJ212_ADDRESS) };
}
