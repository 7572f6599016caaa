import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata } from '@grpc/grpc-js';
import { IngestServiceClient, type SubmitObservationsRequest, type SubmitObservationsResponse } from '@ecogrid/proto/ingest/v1/ingest';
import { ReadingRejected } from '@ecogrid/proto/ingest/v1/events';
import { Device } from '@ecogrid/proto/registry/v1/entities';
import { ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { callUnary, createGrpcClient } from '@ecogrid/grpc';
import { encodeFlag, encodeFrame } from '@ecogrid/standards';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { CEMS } from './support/registry-fixtures';
import { startIngest, type RunningIngest } from './support/start-ingest';
import { startDeviceFleet, type DeviceFleet } from './support/device-fleet';
import { guessOverTcp, metricWith, postFrom } from './support/guesser';

/** Registered devices a guesser may aim at besides the real one. */
const OTHERS = Array.from({ length: 20 }, (_, index) => Device.create({ ...CEMS, mn: `BRUTE${String(index).padStart(9, '0')}`, password: `pw-brute-${index}` }));
/** The limits ingest runs with here (its defaults): failures per window per address, per (address, MN), per MN. */
const LIMITS = { perAddress: 30, perAddressAndMn: 10, perMn: 100 };

/** A guess: the device's MN with a wrong password, in a year no real frame of this test uses. */
function guessFrame(mn: string, attempt: number): Uint8Array {
  const second = String(attempt % 60).padStart(2, '0');
  const minute = String(Math.floor(attempt / 60) % 60).padStart(2, '0');
  return encodeFrame({
    qn: `2025010100${minute}${second}${String(attempt % 1000).padStart(3, '0')}`,
    st: '31',
    cn: '2011',
    pw: `guess${attempt}`,
    mn,
    flag: encodeFlag({ version: '2017', needsAck: true }),
    cp: { text: `DataTime=2025010100${minute}${second};a21026-Rtd=1.0,a21026-Flag=N` },
  });
}

/**
 * Brute force against the device edge, on the real ingest process with Redis and Kafka. A real device keeps
 * sending (a frame every 100 ms) while strangers guess its password, over TCP from one address and from many,
 * over HTTP and over gRPC. Each test prints what it compared: how many guesses ran scrypt and failed, how many
 * were refused by the throttle before scrypt, and what the real device got meanwhile.
 */
describe('ingest under brute force: guessing is throttled while the real device keeps sending', () => {
  let ingest: RunningIngest;
  let recorder: TopicRecorder;
  let device: DeviceFleet;
  let client: IngestServiceClient;
  /** Failed checks for the real MN so far: the MN's own limit counts them all, from whichever address. */
  let realMnFailures = 0;

  const outcomes = async (): Promise<Record<'remembered' | 'verified' | 'failed' | 'throttled', number>> => {
    const of = (outcome: string): Promise<number> => metricWith(ingest.adminUrl, 'ingest_device_authentications_total', { outcome });
    const [remembered, verified, failed, throttled] = await Promise.all([of('remembered'), of('verified'), of('failed'), of('throttled')]);
    return { remembered, verified, failed, throttled };
  };
  /** Waits until ingest has judged `count` more attempts (failed or throttled) than `before`, and returns the deltas. */
  const judged = async (before: Awaited<ReturnType<typeof outcomes>>, count: number) => {
    const after = await waitFor(
      async () => {
        const now = await outcomes();
        return now.failed + now.throttled - before.failed - before.throttled >= count ? now : undefined;
      },
      { timeoutMs: 120_000, description: `${count} judged attempts` },
    );
    return { failed: after.failed - before.failed, throttled: after.throttled - before.throttled };
  };
  /** The real device answers with 9014s throughout, and nothing it sent is left unanswered. */
  const deviceKeepsGoing = async (label: string, ackedBefore: number): Promise<number> => {
    await waitFor(() => device.counts().acknowledged >= ackedBefore + 20, { timeoutMs: 30_000, description: `the real device's 9014s after ${label}` });
    const counts = device.counts();
    expect(counts.transmissions - counts.sent).toBe(0); // not one re-send: every frame was answered in time
    return counts.acknowledged - ackedBefore;
  };

  beforeAll(async () => {
    ingest = await startIngest('ingest-brute', [CEMS, ...OTHERS], { LOG_LEVEL: 'error' });
    recorder = await recordTopics(ingest.kafka, [ingest.topics.readings, ingest.topics.readingsRejected]);
    client = createGrpcClient(IngestServiceClient, ingest.grpcAddress);
    // The real device, from 127.0.0.1, 10 frames a second (half its rate limit).
    device = startDeviceFleet({ port: ingest.hj212Port, devices: [CEMS], pauseMs: 100, replyTimeoutMs: 5_000 });
    await waitFor(() => device.counts().acknowledged >= 5, { description: 'the real device to be answered' });
  }, 120_000);

  afterAll(async () => {
    await device?.stop(5_000);
    client?.close();
    await ingest?.service.stop();
    await recorder?.stop();
  });

  it('1,000 wrong passwords for the real MN from one address: at most the (address, MN) limit run scrypt, the rest are throttled', { timeout: 180_000 }, async () => {
    const before = await outcomes();
    const acked = device.counts().acknowledged;
    const frames = Array.from({ length: 1_000 }, (_, attempt) => guessFrame(CEMS.mn, attempt));
    const connections = await guessOverTcp({ port: ingest.hj212Port, localAddress: '127.0.0.2', frames, perConnection: 3 });
    const { failed, throttled } = await judged(before, 1_000);
    const answered = await deviceKeepsGoing('1,000 guesses', acked);
    // Refusals from the guesser's address are published up to its cap; the rest are only counted.
    const published = recorder.messages.filter((message) => message.topic === ingest.topics.readingsRejected && ReadingRejected.decode(message.value ?? Buffer.alloc(0)).remoteAddress === '127.0.0.2');
    const unpublished = await metricWith(ingest.adminUrl, 'ingest_rejections_unpublished_total');
    console.log(
      `[brute force, one address, one MN] 1000 guesses over ${connections} connections: ${failed} ran scrypt and failed, ${throttled} throttled before scrypt; ` +
        `the real device got ${answered} 9014s meanwhile, ${device.counts().transmissions - device.counts().sent} re-sends; ` +
        `${published.length} refusals published for the guesser's address, ${unpublished} over its cap counted only`,
    );
    realMnFailures += failed;
    // A pair's attempts are counted before their check, atomically in Redis: exactly its limit ran.
    expect(failed).toBe(LIMITS.perAddressAndMn);
    expect(throttled).toBe(1_000 - failed);
    // None of the guesses reached the readings topic, and none of the published refusals holds a guess.
    expect(recorder.messages.filter((message) => message.topic === ingest.topics.readings && (message.headers.ce_id ?? '').includes(':2025-'))).toEqual([]);
    expect(published.filter((message) => ReadingRejected.decode(message.value ?? Buffer.alloc(0)).raw.toString('latin1').includes('guess'))).toEqual([]);
  });

  it('1,000 wrong passwords spread over 500 MNs, registered or not, from one address: at most the address limit run scrypt', { timeout: 180_000 }, async () => {
    const before = await outcomes();
    const acked = device.counts().acknowledged;
    const mns = Array.from({ length: 500 }, (_, index) => (index < OTHERS.length ? (OTHERS[index]?.mn ?? '') : `NOSUCH${String(index).padStart(8, '0')}`));
    const frames = Array.from({ length: 1_000 }, (_, attempt) => guessFrame(mns[attempt % mns.length] ?? '', attempt));
    const connections = await guessOverTcp({ port: ingest.hj212Port, localAddress: '127.0.0.3', frames, perConnection: 3 });
    const { failed, throttled } = await judged(before, 1_000);
    const answered = await deviceKeepsGoing('guesses over 500 MNs', acked);
    console.log(
      `[brute force, one address, 500 MNs] 1000 guesses over ${connections} connections: ${failed} ran scrypt and failed, ${throttled} throttled before scrypt; ` +
        `the real device got ${answered} 9014s meanwhile`,
    );
    // An address's failures are counted after their checks, of which it may run 8 at once.
    expect(failed).toBeGreaterThanOrEqual(LIMITS.perAddress);
    expect(failed).toBeLessThanOrEqual(LIMITS.perAddress + 8);
    expect(throttled).toBe(1_000 - failed);
  });

  it("strangers at 40 addresses guessing the real MN are stopped by the MN's own limit, and the device, at its address, is not locked out", { timeout: 180_000 }, async () => {
    const before = await outcomes();
    const acked = device.counts().acknowledged;
    const perAddress = await Promise.all(
      Array.from({ length: 40 }, (_, index) => {
        const frames = Array.from({ length: 10 }, (_unused, attempt) => guessFrame(CEMS.mn, 5_000 + index * 10 + attempt));
        return guessOverTcp({ port: ingest.hj212Port, localAddress: `127.0.1.${index + 1}`, frames, perConnection: 3 });
      }),
    );
    const connections = perAddress.reduce((sum, count) => sum + count, 0);
    const { failed, throttled } = await judged(before, 400);
    const answered = await deviceKeepsGoing('guesses from 40 addresses', acked);
    // The device's own HTTP request, from the address it authenticated from, passes too.
    const own = await postFrom({
      url: `${ingest.httpUrl}/v1/observations`,
      localAddress: '127.0.0.1',
      headers: { 'x-device-password': CEMS.password },
      body: { deviceMn: CEMS.mn, dataTime: '2026-11-29T07:00:00Z', measurements: [{ factorCode: 'a21026', value: 1 }] },
    });
    console.log(
      `[brute force, 40 addresses, one MN] 400 guesses over ${connections} connections: ${failed} ran scrypt and failed (${realMnFailures} before; the MN's limit is ${LIMITS.perMn}, counted across instances in Redis), ` +
        `${throttled} throttled; the real device got ${answered} 9014s meanwhile and its own HTTP request ${own.status}`,
    );
    // Each new address has fresh address and (address, MN) counts: only the MN's own count, shared by every
    // address and instance, can stop them. 40 × 10 guesses could have run 400 checks; with every attempt on the MN
    // counted before its check, all of them together never exceed its limit.
    expect(realMnFailures + failed).toBeLessThanOrEqual(LIMITS.perMn);
    expect(throttled).toBeGreaterThanOrEqual(400 - LIMITS.perMn);
    expect(throttled).toBe(400 - failed);
    expect(own.status).toBe(202);
  });

  it('HTTP: 1,000 wrong device passwords from one address get 1,000 identical 401s, known MN or not, and at most the address limit run scrypt', { timeout: 180_000 }, async () => {
    const before = await outcomes();
    const answers = new Map<string, number>();
    let next = 0;
    // 20 concurrent callers, as a guesser would.
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 1_000) {
          const attempt = (next += 1);
          const mn = attempt % 2 === 0 ? CEMS.mn : `NOSUCH${String(attempt).padStart(8, '0')}`;
          const answer = await postFrom({
            url: `${ingest.httpUrl}/v1/observations`,
            localAddress: '127.0.0.4',
            headers: { 'x-device-password': `guess${attempt}` },
            body: { deviceMn: mn, dataTime: '2025-01-01T00:00:00Z', measurements: [{ factorCode: 'a21026', value: 1 }] },
          });
          const key = `${answer.status} ${JSON.stringify(answer.body)}`;
          answers.set(key, (answers.get(key) ?? 0) + 1);
        }
      }),
    );
    const { failed, throttled } = await judged(before, 1_000);
    console.log(`[brute force, HTTP] 1000 guesses, half for a registered MN: ${answers.size} distinct answer(s) ${JSON.stringify([...answers])}; ${failed} ran scrypt and failed, ${throttled} throttled`);
    expect([...answers]).toEqual([['401 {"error":{"code":"authentication_failed","message":"the device MN and password were not accepted","field":"deviceMn"}}', 1_000]]);
    // 20 callers at once: at most 8 checks run at a time for one address, so no more than its limit and those 8
    // ran scrypt (attempts on the real MN, already over its own limit, were throttled at once).
    expect(failed).toBeLessThanOrEqual(LIMITS.perAddress + 8);
    expect(throttled).toBe(1_000 - failed);
  });

  it('gRPC: wrong device passwords are refused item by item with the same code, and throttled; the real device, remembered, keeps going', { timeout: 180_000 }, async () => {
    const before = await outcomes();
    const acked = device.counts().acknowledged;
    const codes = new Map<string, number>();
    for (let call = 0; call < 200; call += 1) {
      const metadata = new Metadata();
      metadata.set('x-device-password', `guess${call}`);
      const request: SubmitObservationsRequest = {
        observations: [
          {
            deviceMn: call % 2 === 0 ? CEMS.mn : `NOSUCH${String(call).padStart(8, '0')}`,
            commandCode: '2011',
            dataTime: new Date('2025-01-01T00:00:00Z'),
            measurements: [{ factorCode: 'a21026', kind: ValueKind.VALUE_KIND_RTD, value: 1, flag: 'N' }],
          },
        ],
      };
      const response = await callUnary<SubmitObservationsRequest, SubmitObservationsResponse>((req, options, callback) => client.submitObservations(req, metadata, options, callback), request);
      const code = response.results[0]?.reasonCode ?? '';
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    const { failed, throttled } = await judged(before, 200);
    // gRPC calls come from 127.0.0.1, the real device's own address: its credential is remembered, so it is not held up.
    const answered = await deviceKeepsGoing('gRPC guesses from its own address', acked);
    console.log(`[brute force, gRPC] 200 guesses: reason codes ${JSON.stringify([...codes])}; ${failed} ran scrypt and failed, ${throttled} throttled; the real device got ${answered} 9014s meanwhile`);
    expect([...codes]).toEqual([['authentication_failed', 200]]);
    expect(failed).toBeLessThanOrEqual(LIMITS.perAddress);
    expect(throttled).toBe(200 - failed);
  });
});
