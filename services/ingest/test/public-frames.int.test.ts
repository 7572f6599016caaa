import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFrame, type Hj212Frame } from '@ecogrid/standards';
import { PUBLIC_FRAMES } from '@ecogrid/standards/public-frames';
import { DeviceStatusReported, ObservationRecorded, ReadingRejected, StatusAspect } from '@ecogrid/proto/ingest/v1/events';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { connectDevice } from './support/hj212-client';
import { startIngest, type RunningIngest } from './support/start-ingest';

/** Uploads a station sends on its own: measurements, and the status uploads of HJ 212-2017 table 9. */
const DATA = new Set(['2011', '2051', '2061']);
const STATUS: Record<string, StatusAspect> = {
  '2021': StatusAspect.STATUS_ASPECT_RUNNING_STATE,
  '2081': StatusAspect.STATUS_ASPECT_RESTART,
  '3020': StatusAspect.STATUS_ASPECT_INFORMATION,
};

interface Sample {
  text: string;
  frame: Hj212Frame;
  source: string;
}

/**
 * The public real frames a device would send to a platform, that a tolerant parser takes, and that carry a password.
 * A 2051/2061 with BeginTime and EndTime is the platform's history request to a device, not an upload.
 */
const samples: Sample[] = PUBLIC_FRAMES.filter((sample) => sample.tolerant === 'ok')
  .map((sample) => ({ text: sample.frame, frame: parseFrame(sample.frame, { mode: 'tolerant' }), source: sample.source }))
  .filter((sample) => (DATA.has(sample.frame.cn) || sample.frame.cn in STATUS) && sample.frame.pw !== '' && sample.frame.cp.params.BeginTime === undefined);

const VERSION = { '2005': ProtocolVersion.PROTOCOL_VERSION_HJ212_2005, '2017': ProtocolVersion.PROTOCOL_VERSION_HJ212_2017, '2025': ProtocolVersion.PROTOCOL_VERSION_HJ212_2025 } as const;

/** One registered device per MN, with the password and protocol its frames show; tolerant, as real collectors need. */
function devicesOf(frames: Hj212Frame[]): Device[] {
  const byMn = new Map<string, Device>();
  for (const frame of frames) {
    if (byMn.has(frame.mn)) continue;
    byMn.set(
      frame.mn,
      Device.create({
        mn: frame.mn,
        name: `public frame device ${frame.mn}`,
        kind: frame.st === '22' ? DeviceKind.DEVICE_KIND_MICRO_AIR_STATION : frame.st === '32' || frame.st === '21' ? DeviceKind.DEVICE_KIND_WASTEWATER_OUTLET : DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
        location: { lon: 111.0, lat: 35.02 },
        factors: [],
        password: frame.pw,
        protocolVersion: VERSION[frame.version],
        tolerant: true,
        enabled: true,
        systemCode: frame.st,
      }),
    );
  }
  return [...byMn.values()];
}

describe('ingest: the public real HJ 212 frames over TCP', () => {
  let ingest: RunningIngest;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    // Two frames of one MN with different passwords would be one device with two passwords: such a set is not a fixture.
    const passwords = new Map<string, Set<string>>();
    for (const sample of samples) passwords.set(sample.frame.mn, (passwords.get(sample.frame.mn) ?? new Set()).add(sample.frame.pw));
    expect([...passwords.values()].every((set) => set.size === 1)).toBe(true);
    ingest = await startIngest('ingest-public-frames', devicesOf(samples.map((sample) => sample.frame)));
    recorder = await recordTopics(ingest.kafka, [ingest.topics.readings, ingest.topics.devicesStatus, ingest.topics.readingsRejected]);
  });

  afterAll(async () => {
    await ingest?.service.stop();
    await recorder?.stop();
  });

  it('answers each as the standard says and publishes it once: measurements as readings, status uploads as device status', async () => {
    expect(samples.length).toBeGreaterThanOrEqual(20);
    expect(new Set(samples.map((sample) => sample.frame.cn))).toEqual(new Set(['2011', '2051', '2061', '2021', '2081', '3020']));
    const outcomes: string[] = [];
    for (const sample of samples) {
      const device = await connectDevice(ingest.hj212Port);
      const { frame } = sample;
      device.send(`${sample.text}\r\n`);
      const isData = DATA.has(frame.cn);
      const published = (message: { topic: string; key: string | null; value: Buffer | null }): boolean => {
        if (isData) return message.topic === ingest.topics.readings && message.key === frame.mn && ObservationRecorded.decode(message.value ?? Buffer.alloc(0)).commandCode === frame.cn && ObservationRecorded.decode(message.value ?? Buffer.alloc(0)).requestNumber === (frame.qn ?? '');
        if (message.topic !== ingest.topics.devicesStatus || !message.key?.startsWith(`${frame.mn}/`)) return false;
        const status = DeviceStatusReported.decode(message.value ?? Buffer.alloc(0));
        return status.commandCode === frame.cn && status.aspect === STATUS[frame.cn];
      };
      await recorder.waitForCount(1, (message) => published(message) || (message.topic === ingest.topics.readingsRejected && message.key === frame.mn), 10_000);
      const rejected = recorder.messages
        .filter((message) => message.topic === ingest.topics.readingsRejected && message.key === frame.mn)
        .map((message) => ReadingRejected.decode(message.value ?? Buffer.alloc(0)))
        .map((rejection) => `${rejection.reasonCode}: ${rejection.detail}`);
      expect(rejected, `${frame.cn} from ${frame.mn} (${sample.source}) refused`).toEqual([]);
      if (frame.flag?.needsAck) {
        const [reply] = await device.waitForReplies(1, 5_000);
        expect(reply, sample.source).toMatchObject({ cn: '9014', st: '91', mn: frame.mn, qn: frame.qn });
      } else {
        // Published first, answered after: by the time the record is read back, an answer would have been written.
        await waitFor(() => recorder.messages.filter(published).length >= 1, { description: 'the record read back' });
        expect(device.replies, `${frame.cn} asks for no answer (${sample.source})`).toEqual([]);
      }
      outcomes.push(`${frame.cn}:${frame.flag?.needsAck ? '9014' : 'silent'}`);
      await device.close();
    }
    // Every data frame once on the readings topic (frames that repeat another frame's data time count once).
    const observationIds = new Set(recorder.messages.filter((message) => message.topic === ingest.topics.readings).map((message) => ObservationRecorded.decode(message.value ?? Buffer.alloc(0)).observationId));
    const readings = recorder.messages.filter((message) => message.topic === ingest.topics.readings);
    expect(readings.length).toBe(observationIds.size);
    const counts = outcomes.reduce<Record<string, number>>((sum, outcome) => ({ ...sum, [outcome]: (sum[outcome] ?? 0) + 1 }), {});
    console.log(`public frames over TCP: ${samples.length} sent, ${readings.length} readings, ${recorder.messages.filter((message) => message.topic === ingest.topics.devicesStatus && DeviceStatusReported.decode(message.value ?? Buffer.alloc(0)).commandCode in STATUS).length} status uploads; answers ${JSON.stringify(counts)}`);
  });

  it('publishes a device going online with its first frame and offline when its connection closes', async () => {
    const sample = samples.find((candidate) => candidate.frame.cn === '2081') as Sample;
    const connectionOf = (state: 'online' | 'offline') => (message: { topic: string; key: string | null; value: Buffer | null }) =>
      message.topic === ingest.topics.devicesStatus && message.key === `${sample.frame.mn}/connection` && DeviceStatusReported.decode(message.value ?? Buffer.alloc(0)).connection === (state === 'online' ? 1 : 2);
    const count = (state: 'online' | 'offline'): number => recorder.messages.filter(connectionOf(state)).length;
    // The first test's connections of this device have all closed and been reported.
    await waitFor(() => count('online') === count('offline'), { description: 'every earlier connection of the device reported offline' });
    const [online, offline] = [count('online'), count('offline')];
    const device = await connectDevice(ingest.hj212Port);
    device.send(`${sample.text}\r\n`);
    await device.waitForReplies(1, 5_000);
    await recorder.waitForCount(online + 1, connectionOf('online'), 10_000);
    expect(count('offline')).toBe(offline);
    await device.close();
    await recorder.waitForCount(offline + 1, connectionOf('offline'), 10_000);
    const last = recorder.messages.filter((message) => message.topic === ingest.topics.devicesStatus && message.key === `${sample.frame.mn}/connection`).at(-1);
    expect(DeviceStatusReported.decode(last?.value ?? Buffer.alloc(0))).toMatchObject({ deviceMn: sample.frame.mn, aspect: StatusAspect.STATUS_ASPECT_CONNECTION, connection: 2 });
  });
});
