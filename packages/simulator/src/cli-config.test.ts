import { describe, expect, it } from 'vitest';
import { loadCliConfig } from './cli-config';

describe('simulator CLI configuration', () => {
  it('defaults to a gentle, real-time simulation against the local ingest', () => {
    const config = loadCliConfig({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(config).toMatchObject({ SIMULATOR_RATE: 1, TOPIC_PREFIX: '', target: { host: '127.0.0.1', port: 9212 } });
  });

  it('reads the demo haze episode as minutes from start and hours, and refuses another shape', () => {
    expect(loadCliConfig({ KAFKA_BROKERS: 'k:9092', SIMULATOR_HAZE_EPISODE: '5:72' })).toMatchObject({ SIMULATOR_HAZE_EPISODE: '5:72', SIMULATOR_HAZE_MULTIPLE: 1.4 });
    expect(() => loadCliConfig({ KAFKA_BROKERS: 'k:9092', SIMULATOR_HAZE_EPISODE: '72h' })).toThrow(/SIMULATOR_HAZE_EPISODE/);
    expect(loadCliConfig({ KAFKA_BROKERS: 'k:9092', SIMULATOR_HAZE_EPISODE: '-4320:96' })).toMatchObject({ SIMULATOR_HAZE_EPISODE: '-4320:96', SIMULATOR_HAZE_BACKFILL_PACE_MS: 1_000 });
    expect(() => loadCliConfig({ KAFKA_BROKERS: 'k:9092', SIMULATOR_HAZE_EPISODE: '-4320:96', SIMULATOR_HAZE_BACKFILL_PACE_MS: '10' })).toThrow(/SIMULATOR_HAZE_BACKFILL_PACE_MS/);
  });

  it('reads replayed exceedances, and names a malformed one', () => {
    const config = loadCliConfig({ KAFKA_BROKERS: '127.0.0.1:9092', SIMULATOR_EPISODES: '140802SZ0200000000000D01:w21003:60:1800:3; MN2:a21026:0:90.5:1.5' });
    expect(config.SIMULATOR_EPISODES).toEqual([
      { mn: '140802SZ0200000000000D01', code: 'w21003', startAfterS: 60, durationS: 1800, multiple: 3 },
      { mn: 'MN2', code: 'a21026', startAfterS: 0, durationS: 90.5, multiple: 1.5 },
    ]);
    expect(loadCliConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }).SIMULATOR_EPISODES).toEqual([]);
    expect(() => loadCliConfig({ KAFKA_BROKERS: '127.0.0.1:9092', SIMULATOR_EPISODES: 'MN1:w21003:soon' })).toThrow(/SIMULATOR_EPISODES/);
  });

  it('fails fast naming every bad variable', () => {
    expect(() => loadCliConfig({ INGEST_HJ212_ADDRESS: 'nowhere', SIMULATOR_RATE: '-1' })).toThrow(/KAFKA_BROKERS.*INGEST_HJ212_ADDRESS.*SIMULATOR_RATE/);
  });
});
