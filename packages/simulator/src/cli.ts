import { createKafka, kafkaCredentialsFrom } from '@ecogrid/kafka';
import { createLogger } from '@ecogrid/telemetry';
import { loadCliConfig } from './cli-config';
import { planHazeEpisode } from './haze-episode';
import { createSimulator } from './create-simulator';
import { watchRegistryDevices } from './registry-devices';
import { readDevicePasswords } from './device-passwords';

/**
 * `node packages/simulator/dist/cli.js`: simulates every device the registry holds, against ingest's HJ 212
 * listener, until SIGINT/SIGTERM. Logs its counters once a minute.
 */
async function main(): Promise<void> {
  const config = loadCliConfig();
  const logger = createLogger({ service: 'simulator', level: config.LOG_LEVEL });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'simulator', logger, credentials: kafkaCredentialsFrom(process.env) });
  const passwords = config.SIMULATOR_PASSWORDS_FILE ? readDevicePasswords(config.SIMULATOR_PASSWORDS_FILE) : new Map<string, string>();
  if (passwords.size === 0) logger.warn('no device passwords (SIMULATOR_PASSWORDS_FILE): the registry publishes none, so no device can be simulated');
  const registry = await watchRegistryDevices({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, seed: config.SIMULATOR_SEED, passwords });
  const pick = () => {
    const devices = registry.list().sort((a, b) => a.mn.localeCompare(b.mn));
    return config.SIMULATOR_MAX_DEVICES > 0 ? devices.slice(0, config.SIMULATOR_MAX_DEVICES) : devices;
  };
  // The demo's heavy-pollution episode on the air stations known at start (their MNs; a station added later is not in it).
  // An episode that began in the past is back-filled first: the stations' past hours as hour records.
  const [hazeStartMinutes, hazeHours] = (config.SIMULATOR_HAZE_EPISODE ?? '').split(':').map(Number);
  const nowMs = Date.now();
  const haze = config.SIMULATOR_HAZE_EPISODE
    ? planHazeEpisode(
        pick(),
        { startMs: nowMs + (hazeStartMinutes ?? 0) * 60_000, durationMs: (hazeHours ?? 0) * 3_600_000, multiple: config.SIMULATOR_HAZE_MULTIPLE },
        { nowMs, paceMs: config.SIMULATOR_HAZE_BACKFILL_PACE_MS },
      )
    : { episodes: [], backfills: [] };
  if (haze.episodes.length > 0 || haze.backfills.length > 0) {
    const hours = haze.backfills[0]?.hourStartsMs.length ?? 0;
    logger.info(
      { stations: Math.max(haze.episodes.length, haze.backfills.length), episode: config.SIMULATOR_HAZE_EPISODE, multiple: config.SIMULATOR_HAZE_MULTIPLE, backfillHours: hours, backfillPaceMs: config.SIMULATOR_HAZE_BACKFILL_PACE_MS },
      'heavy-pollution episode scheduled',
    );
  }
  // Replayed exceedances (SIMULATOR_EPISODES), e.g. the demo's water-source incident.
  const replayed = config.SIMULATOR_EPISODES.map((episode) => ({ mn: episode.mn, code: episode.code, startMs: Date.now() + episode.startAfterS * 1000, durationMs: episode.durationS * 1000, multiple: episode.multiple }));
  const episodes = [...haze.episodes, ...replayed];
  const simulator = createSimulator({
    devices: pick(),
    episodes,
    backfills: haze.backfills,
    target: config.target,
    rate: config.SIMULATOR_RATE,
    seed: config.SIMULATOR_SEED,
    exceedanceProbability: config.SIMULATOR_EXCEEDANCE_PROBABILITY,
    abnormalFlagProbability: config.SIMULATOR_ABNORMAL_FLAG_PROBABILITY,
    outageProbability: config.SIMULATOR_OUTAGE_PROBABILITY,
    linkOutageShare: config.SIMULATOR_LINK_OUTAGE_SHARE,
    ackTimeoutMs: config.SIMULATOR_ACK_TIMEOUT_MS,
    maxRetries: config.SIMULATOR_MAX_RETRIES,
    onEvent: (event) => {
      if (event.type === 'outage_started' || event.type === 'outage_ended' || event.type === 'gave_up') logger.info(event, `device ${event.type.replace('_', ' ')}`);
      else if (event.type === 'resent') logger.debug(event, 'no 9014 in time; re-sent');
    },
  });
  registry.onChange(() => simulator.setDevices(pick()));
  if (simulator.deviceCount === 0) logger.warn({ topicPrefix: config.TOPIC_PREFIX }, 'the registry holds no device that uploads HJ 212 data yet; waiting for some');
  await simulator.start();
  logger.info({ devices: simulator.deviceCount, target: config.INGEST_HJ212_ADDRESS, rate: config.SIMULATOR_RATE }, 'simulator running');
  const report = setInterval(() => logger.info({ devices: simulator.deviceCount, ...simulator.counters }, 'simulator counters'), config.SIMULATOR_REPORT_INTERVAL_MS);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(report);
    logger.info({ signal, ...simulator.counters }, 'simulator stopping');
    await simulator.stop();
    await registry.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
