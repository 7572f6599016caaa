import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFlag, encodeFrame } from '@ecogrid/standards';
import { ObservationRecorded } from '@ecogrid/proto/ingest/v1/events';
import { recordTopics, type TopicRecorder } from '@ecogrid/testkit';
import { connectDevice } from './support/hj212-client';
import { CEMS } from './support/registry-fixtures';
import { startIngest, type RunningIngest } from './support/start-ingest';

const FRAMES_PER_CONNECTION = 4;
const FLOOD = 2_000;

/** Upload `step`: its own QN and DataTime (one a second from 2026-11-28 00:00 China time), so each is a new observation. */
function upload(step: number): { qn: string; bytes: Uint8Array } {
  const clock = `${String(Math.floor(step / 3600)).padStart(2, '0')}${String(Math.floor(step / 60) % 60).padStart(2, '0')}${String(step % 60).padStart(2, '0')}`;
  const qn = `20261128${clock}${String(step % 1000).padStart(3, '0')}`;
  const bytes = encodeFrame({
    qn,
    st: '31',
    cn: '2011',
    pw: CEMS.password,
    mn: CEMS.mn,
    flag: encodeFlag({ version: '2017', needsAck: true }),
    cp: { text: `DataTime=20261128${clock};a21026-Rtd=30.1,a21026-ZsRtd=35.1,a21026-Flag=N;a01012-Rtd=120.5,a01012-Flag=N` },
  });
  return { qn, bytes };
}

/** One series of a gauge or counter from ingest's `/metrics`. */
async function series(adminUrl: string, name: string, label: string): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.slice(0, line.indexOf('}')).includes(label)) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

describe('ingest: the HJ 212 door', () => {
  let ingest: RunningIngest;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    ingest = await startIngest('ingest-door', [CEMS], {
      HJ212_FRAMES_PER_CONNECTION: String(FRAMES_PER_CONNECTION),
      DEVICE_RATE_LIMIT_PER_S: '0',
      ADDRESS_RATE_LIMIT_PER_S: '0',
    });
    recorder = await recordTopics(ingest.kafka, [ingest.topics.readings]);
  });

  afterAll(async () => {
    await ingest?.service.stop();
    await recorder?.stop();
  });

  it('reads a connection that pipelines faster than Kafka acknowledges only as far as its bound, and answers every frame once it is on the topic', async () => {
    const device = await connectDevice(ingest.hj212Port);
    const frames = Array.from({ length: FLOOD }, (_, step) => upload(step));
    device.send(Buffer.concat(frames.map((frame) => frame.bytes)));

    // What ingest holds of the flood while it lasts, sampled from its own gauge.
    let mostStoring = 0;
    let mostWaiting = 0;
    while (device.replies.length < FLOOD && !device.closed) {
      mostStoring = Math.max(mostStoring, await series(ingest.adminUrl, 'ingest_frames_in_flight', 'state="storing"'));
      mostWaiting = Math.max(mostWaiting, await series(ingest.adminUrl, 'ingest_frames_in_flight', 'state="waiting"'));
      await device.waitForReplies(Math.min(FLOOD, device.replies.length + 1), 30_000);
    }
    const replies = await device.waitForReplies(FLOOD, 60_000);
    const pauses = await series(ingest.adminUrl, 'ingest_backpressure_pauses_total', 'reason="connection"');
    const records = await recorder.waitForCount(FLOOD, (message) => message.topic === ingest.topics.readings, 30_000);
    console.log(`[door] ${FLOOD} frames in one write: ${pauses} pauses of the connection, at most ${mostStoring} frames storing and ${mostWaiting} waiting; ${replies.length} answered, ${records.length} on the topic`);

    expect(pauses).toBeGreaterThan(0);
    expect(mostStoring).toBeLessThanOrEqual(FRAMES_PER_CONNECTION);
    // At most what one read (64 KiB) carried beyond the bound waits, decoded; the rest stays with TCP.
    expect(mostWaiting).toBeLessThanOrEqual(Math.ceil(65_536 / ((frames[0]?.bytes.byteLength ?? 1) - 1)));
    expect(replies.every((reply) => reply.cn === '9014')).toBe(true);
    expect(new Set(replies.map((reply) => reply.qn))).toEqual(new Set(frames.map((frame) => frame.qn)));
    const onTopic = new Set(records.map((record) => ObservationRecorded.decode(record.value ?? Buffer.alloc(0)).requestNumber));
    expect(onTopic).toEqual(new Set(frames.map((frame) => frame.qn)));
    await device.close();
  });
});
