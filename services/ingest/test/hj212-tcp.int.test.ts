import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFlag, encodeFrame, encodeFrameToString } from '@ecogrid/standards';
import { ObservationRecorded, ReadingRejected } from '@ecogrid/proto/ingest/v1/events';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { connectDevice } from './support/hj212-client';
import { CEMS, OLD_OUTLET } from './support/registry-fixtures';
import { startIngest, type RunningIngest } from './support/start-ingest';

let qnCounter = 100;
function upload(options: { minute: number; pw?: string; so2?: number; needsAck?: boolean } ) {
  const qn = `20261129${String(15).padStart(2, '0')}${String(options.minute).padStart(2, '0')}00${String(qnCounter++).padStart(3, '0')}`;
  const dataTime = `2026112915${String(options.minute).padStart(2, '0')}00`;
  return {
    qn,
    dataTime,
    text: encodeFrameToString({
      qn,
      st: '31',
      cn: '2011',
      pw: options.pw ?? CEMS.password,
      mn: CEMS.mn,
      flag: encodeFlag({ version: '2017', needsAck: options.needsAck ?? true }),
      cp: { text: `DataTime=${dataTime};a21026-Rtd=${options.so2 ?? 30.1},a21026-ZsRtd=${(options.so2 ?? 30.1) + 5},a21026-Flag=N;a01012-Rtd=120.5,a01012-Flag=N` },
    }),
  };
}

describe('ingest: HJ 212 over real TCP', () => {
  let ingest: RunningIngest;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    ingest = await startIngest('ingest-tcp', [CEMS, OLD_OUTLET]);
    recorder = await recordTopics(ingest.kafka, [ingest.topics.readings, ingest.topics.readingsRejected]);
  });

  afterAll(async () => {
    await ingest?.service.stop();
    await recorder?.stop();
  });

  const readings = (mn: string) => (message: { topic: string; key: string | null }) => message.topic === ingest.topics.readings && message.key === mn;

  it('answers a real-time upload with 9014 carrying its QN, once the observation is on ecogrid.readings.v1', async () => {
    const device = await connectDevice(ingest.hj212Port);
    const frame = upload({ minute: 1, so2: 48.7 });
    device.send(frame.text);
    const [reply] = await device.waitForReplies(1);
    expect(reply).toMatchObject({ cn: '9014', st: '91', qn: frame.qn, mn: CEMS.mn, pw: CEMS.password });
    const [record] = await recorder.waitForCount(1, readings(CEMS.mn), 5_000);
    const event = ObservationRecorded.decode(record?.value ?? Buffer.alloc(0));
    expect(event).toMatchObject({
      observationId: `${CEMS.mn}:2011:2026-11-29T07:01:00.000Z`,
      deviceMn: CEMS.mn,
      commandCode: '2011',
      dataTime: new Date('2026-11-29T07:01:00Z'),
      protocolVersion: '2017',
      systemCode: '31',
      requestNumber: frame.qn,
      enterpriseUscc: CEMS.enterpriseUscc,
      cellId: CEMS.cellId,
      townshipCode: CEMS.townshipCode,
    });
    expect(event.measurements.map((m) => [m.factorCode, m.kind, m.value, m.flag, m.unit])).toEqual([
      ['a21026', 1, 48.7, 'N', 'mg/m3'],
      ['a21026', 6, 53.7, 'N', 'mg/m3'],
      ['a01012', 1, 120.5, 'N', '℃'],
    ]);
    await device.close();
  });

  it('gives a frame with a bad CRC no 9014 and publishes it on the rejected topic with reason bad_crc', async () => {
    const device = await connectDevice(ingest.hj212Port);
    const bad = upload({ minute: 2 });
    const corrupted = `${bad.text.slice(0, -6)}${bad.text.slice(-6, -2) === '0000' ? '0001' : '0000'}\r\n`;
    const good = upload({ minute: 3 });
    device.send(corrupted);
    device.send(good.text);
    const [reply] = await device.waitForReplies(1);
    // The only reply is for the good frame that followed: the corrupted one was not acknowledged.
    expect(reply?.qn).toBe(good.qn);
    const [rejected] = await recorder.waitForCount(1, (message) => message.topic === ingest.topics.readingsRejected && ReadingRejected.decode(message.value ?? Buffer.alloc(0)).reasonCode === 'bad_crc');
    const event = ReadingRejected.decode(rejected?.value ?? Buffer.alloc(0));
    // As received, but for the device password: the rejected topic never holds one.
    expect(event.raw.toString()).toBe(corrupted.replace(`PW=${CEMS.password}`, 'PW=***'));
    expect(event.deviceMn).toBe(CEMS.mn);
    expect(recorder.messages.filter(readings(CEMS.mn)).some((message) => message.headers.ce_id?.includes('07:02:00'))).toBe(false);
    await device.close();
  });

  it('decodes frames split at every byte and several frames in one chunk', async () => {
    const device = await connectDevice(ingest.hj212Port);
    const frames = [upload({ minute: 10 }), upload({ minute: 11 }), upload({ minute: 12 })];
    for (const byte of Buffer.from(frames[0]?.text ?? '')) device.send(Buffer.from([byte]));
    device.send(`garbage-before\r\n${frames[1]?.text}${frames[2]?.text}`);
    const replies = await device.waitForReplies(3);
    expect(replies.map((reply) => reply.qn).sort()).toEqual(frames.map((frame) => frame.qn).sort());
    await recorder.waitForCount(1, (message) => message.topic === ingest.topics.readingsRejected && ReadingRejected.decode(message.value ?? Buffer.alloc(0)).reasonCode === 'garbage');
    await device.close();
  });

  it("judges a connection's first frame by its device even when the read ends before the frame's CR LF", async () => {
    // Until the MN is known the decoder frames leniently and takes a frame that ends with its CRC; the device's
    // strict profile must then judge the content, not the tail that the next TCP read brings.
    const device = await connectDevice(ingest.hj212Port);
    const first = upload({ minute: 13 });
    const second = upload({ minute: 14 });
    device.send(first.text.slice(0, -2));
    const [reply] = await device.waitForReplies(1);
    expect(reply?.qn).toBe(first.qn);
    device.send(`\r\n${second.text}`);
    const replies = await device.waitForReplies(2);
    expect(replies.map((answer) => answer.qn)).toEqual([first.qn, second.qn]);
    await device.close();
  });

  it('answers a re-sent frame again but publishes it once', async () => {
    const device = await connectDevice(ingest.hj212Port);
    const frame = upload({ minute: 20 });
    device.send(frame.text);
    await device.waitForReplies(1);
    device.send(frame.text);
    const replies = await device.waitForReplies(2);
    expect(replies.map((reply) => reply.qn)).toEqual([frame.qn, frame.qn]);
    const after = upload({ minute: 21 });
    device.send(after.text);
    await device.waitForReplies(3);
    await recorder.waitForCount(1, (message) => readings(CEMS.mn)(message) && message.headers.ce_id === `${CEMS.mn}:2011:2026-11-29T07:21:00.000Z`);
    const copies = recorder.messages.filter((message) => readings(CEMS.mn)(message) && message.headers.ce_id === `${CEMS.mn}:2011:2026-11-29T07:20:00.000Z`);
    expect(copies).toHaveLength(1);
    await device.close();
  });

  it('refuses a wrong password with reason wrong_password and closes the connection after three', async () => {
    const device = await connectDevice(ingest.hj212Port);
    for (let attempt = 0; attempt < 3; attempt += 1) device.send(upload({ minute: 30 + attempt, pw: 'guess' }).text);
    await waitFor(() => device.closed, { description: 'the listener to close the connection' });
    expect(device.replies).toHaveLength(0);
    const rejected = await recorder.waitForCount(3, (message) => message.topic === ingest.topics.readingsRejected && ReadingRejected.decode(message.value ?? Buffer.alloc(0)).reasonCode === 'wrong_password');
    expect(rejected.every((message) => message.key === CEMS.mn)).toBe(true);
    // The guesses are not kept either: PW= is masked in every raw frame published as rejected.
    expect(rejected.map((message) => ReadingRejected.decode(message.value ?? Buffer.alloc(0)).raw.toString()).filter((raw) => !raw.includes('PW=***;') || raw.includes('guess'))).toEqual([]);
  });

  it('accepts a tolerant 2005 device without QN or Flag, with a lower-case CRC', async () => {
    const device = await connectDevice(ingest.hj212Port);
    const bytes = encodeFrame({ st: '32', cn: '2011', pw: OLD_OUTLET.password, mn: OLD_OUTLET.mn, cp: { text: 'DataTime=20261129160000;w01018-Rtd=61.5,w01018-Flag=N' } }, { crcCase: 'lower' });
    device.send(bytes);
    const [record] = await recorder.waitForCount(1, readings(OLD_OUTLET.mn));
    const event = ObservationRecorded.decode(record?.value ?? Buffer.alloc(0));
    expect(event).toMatchObject({ protocolVersion: '2005', deviceMn: OLD_OUTLET.mn, enterpriseUscc: OLD_OUTLET.enterpriseUscc });
    expect(event.measurements[0]).toMatchObject({ factorCode: 'w01018', value: 61.5, unit: 'mg/L' });
    // Nothing to answer: a 2005 upload without a Flag does not ask for a reply.
    expect(device.replies).toHaveLength(0);
    await device.close();
  });

  it('reports ready with Kafka, Redis and the registry view, on the admin listener and not the device port', async () => {
    const response = await fetch(`${ingest.adminUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { kafka: { ok: true }, redis: { ok: true }, registry: { ok: true } } });
    expect((await fetch(`${ingest.httpUrl}/readyz`)).status).toBe(404);
    const metrics = await (await fetch(`${ingest.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingest_frames_total\{outcome="stored"\} [1-9]/);
    expect(metrics).toMatch(/ingest_rejected_total\{source="hj212_tcp",reason="bad_crc"\} 1/);
    expect(metrics).toMatch(/ingest_connections \d/);
    // Every frame sent so far was answered or refused: once the last rejection's ack is in, nothing is in flight.
    const settled = await waitFor(
      async () => {
        const text = await (await fetch(`${ingest.adminUrl}/metrics`)).text();
        return /ingest_publish_pending 0/.test(text) ? text : undefined;
      },
      { description: 'the publisher to have no unacknowledged event' },
    );
    expect(settled).toMatch(/ingest_frames_in_flight\{state="storing"\} 0/);
    expect(settled).toMatch(/ingest_frames_in_flight\{state="waiting"\} 0/);
  });
});
