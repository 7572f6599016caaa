import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFlag, encodeFrame, platformReplyFor, type Hj212Frame } from '@ecogrid/standards';
import { createLogger } from '@ecogrid/telemetry';
import { waitFor } from '@ecogrid/testkit';
import type { AcceptFrame, FrameOutcome } from '../../app/accept-frame';
import { createHj212Listener, type Hj212Listener } from './hj212-listener';

const MN = '88888880000001';
const FRAMES_PER_CONNECTION = 8;

/** Upload `step` of device `mn`: a distinct QN and DataTime, so each frame is its own observation. */
function upload(mn: string, step: number): { qn: string; bytes: Uint8Array } {
  const qn = `20261129${String(step).padStart(9, '0')}`;
  const seconds = String(step % 60).padStart(2, '0');
  const minutes = String(Math.floor(step / 60) % 60).padStart(2, '0');
  const hours = String(Math.floor(step / 3600) % 24).padStart(2, '0');
  const bytes = encodeFrame({
    qn,
    st: '31',
    cn: '2011',
    pw: 'secret',
    mn,
    flag: encodeFlag({ version: '2017', needsAck: true }),
    cp: { text: `DataTime=20261129${hours}${minutes}${seconds};a21026-Rtd=41.2,a21026-Flag=N` },
  });
  return { qn, bytes };
}

/**
 * A store that stands for Kafka: while it is held every frame handed to it waits; released, it acknowledges them
 * (and every later one) and records what it acknowledged, as the readings topic would hold it.
 */
function heldStore() {
  const started: string[] = [];
  const acknowledged = new Set<string>();
  const waiting: Array<() => void> = [];
  let held = true;
  const acceptFrame: AcceptFrame = (frame: Hj212Frame) => {
    started.push(`${frame.mn}:${frame.qn}`);
    return new Promise<FrameOutcome>((resolve) => {
      const ack = (): void => {
        acknowledged.add(`${frame.mn}:${frame.qn}`);
        resolve({ kind: 'stored', observationId: `${frame.mn}:${frame.qn}`, duplicate: false, reply: platformReplyFor(frame) });
      };
      if (held) waiting.push(ack);
      else setImmediate(ack);
    });
  };
  return {
    acceptFrame,
    started,
    acknowledged,
    release: (): void => {
      held = false;
      for (const ack of waiting.splice(0)) ack();
    },
  };
}

/** A client that writes frames as fast as its socket takes them and collects the QNs of the 9014s it gets. */
async function floodingDevice(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const answered = new Set<string>();
  let rest = '';
  socket.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('latin1')).split('\r\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const qn = /QN=(\d+)/.exec(line)?.[1];
      if (qn && line.includes('CN=9014')) answered.add(qn);
    }
  });
  return { socket, answered };
}

/** Rejects unless `more` becomes true within half a second: how a test shows that the listener read no further. */
const readsMore = (more: () => boolean): Promise<void> => waitFor(more, { timeoutMs: 500, intervalMs: 20, description: 'the listener reading beyond its bound' }).then(() => undefined);

describe('HJ 212 listener: the door', () => {
  let listener: Hj212Listener | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await listener?.close();
    listener = undefined;
  });

  const start = async (acceptFrame: AcceptFrame, backlog: { high: number; low: number }): Promise<number> => {
    listener = createHj212Listener({
      acceptFrame,
      rejections: { reject: () => Promise.resolve() },
      devices: { profile: () => undefined },
      logger: createLogger({ service: 'test', level: 'silent' }),
      maxConnections: 100,
      idleTimeoutMs: 60_000,
      maxAuthFailures: 3,
      backlogHighWater: backlog.high,
      backlogLowWater: backlog.low,
      framesPerConnection: FRAMES_PER_CONNECTION,
    });
    return listener.listen(0, '127.0.0.1');
  };

  it('stops reading a connection that floods frames while Kafka holds them, and answers every frame it read once stored', async () => {
    const store = heldStore();
    const port = await start(store.acceptFrame, { high: 1_000, low: 500 });
    const device = await floodingDevice(port);
    sockets.push(device.socket);

    // Frames until the device's own socket refuses more: the server stopped reading, so TCP slowed the device.
    const sent: string[] = [];
    let slowed = false;
    while (!slowed && sent.length < 500_000) {
      const frame = upload(MN, sent.length);
      sent.push(frame.qn);
      slowed = !device.socket.write(frame.bytes);
    }
    expect(slowed).toBe(true);
    await waitFor(() => store.started.length >= FRAMES_PER_CONNECTION, { timeoutMs: 5_000, description: 'the first frames handed to the store' });
    // Without the door the listener would go on reading the megabytes the kernel holds and start those frames too.
    await expect(readsMore(() => store.started.length > FRAMES_PER_CONNECTION)).rejects.toThrow();
    expect(device.socket.writableNeedDrain).toBe(true);

    // What ingest holds of the flood: the bound, and at most the frames of one read (64 KiB) decoded and waiting.
    const held = listener?.backlog();
    expect(store.started).toHaveLength(FRAMES_PER_CONNECTION);
    expect(held?.storing).toBe(FRAMES_PER_CONNECTION);
    expect(held?.waiting).toBeLessThanOrEqual(Math.ceil(65_536 / (upload(MN, 0).bytes.byteLength - 1)));
    expect(sent.length).toBeGreaterThan(FRAMES_PER_CONNECTION + (held?.waiting ?? 0));

    store.release();
    await waitFor(() => device.answered.size === sent.length, { timeoutMs: 60_000, description: 'a 9014 for every frame of the flood' });
    // Nothing answered that was not stored, nothing stored twice, nothing lost.
    expect([...device.answered].every((qn) => store.acknowledged.has(`${MN}:${qn}`))).toBe(true);
    expect(store.started).toHaveLength(sent.length);
    expect(new Set(store.started).size).toBe(sent.length);
    expect(listener?.backlog()).toEqual({ storing: 0, waiting: 0 });
  });

  it('bounds the frames in hand over all connections, and reads every connection again once there is room', async () => {
    const store = heldStore();
    const port = await start(store.acceptFrame, { high: 20, low: 10 });
    const devices = await Promise.all(Array.from({ length: 5 }, () => floodingDevice(port)));
    sockets.push(...devices.map((device) => device.socket));

    const perDevice = 200;
    devices.forEach((device, index) => {
      for (let step = 0; step < perDevice; step += 1) device.socket.write(upload(`8888888000010${index}`, step).bytes);
    });
    await waitFor(() => store.started.length >= 20, { timeoutMs: 5_000, description: 'the total bound reached' });
    await expect(readsMore(() => store.started.length > 20)).rejects.toThrow();
    expect(listener?.backlog().waiting).toBeGreaterThan(0);
    expect(store.started).toHaveLength(20);
    expect(listener?.backlog().storing).toBe(20);

    store.release();
    await waitFor(() => devices.every((device) => device.answered.size === perDevice), { timeoutMs: 30_000, description: 'every device answered for every frame' });
    expect(store.acknowledged.size).toBe(devices.length * perDevice);
  });
});

describe('HJ 212 listener: the back-fill check', () => {
  it('reads a registered device\'s last data time before its first frame on a connection is handled, hands it over once accepted, and reads nothing for later frames or unknown MNs', async () => {
    const steps: string[] = [];
    const known = { mn: MN, passwordVerifier: undefined, enabled: true, protocolVersion: '2017' as const, tolerant: false, enterpriseUscc: '', cellId: '', townshipCode: '', units: new Map<string, string>() };
    const listener = createHj212Listener({
      acceptFrame: async (frame) => {
        steps.push(`accept ${frame.mn}`);
        return frame.mn === MN ? { kind: 'stored', observationId: `${frame.mn}:${frame.qn}`, duplicate: false, reply: null } : { kind: 'rejected', reason: 'unknown_device', authFailure: true };
      },
      rejections: { reject: () => Promise.resolve() },
      devices: { profile: (mn) => (mn === MN ? known : undefined) },
      logger: createLogger({ service: 'test', level: 'silent' }),
      maxConnections: 10,
      idleTimeoutMs: 60_000,
      maxAuthFailures: 3,
      backlogHighWater: 100,
      backlogLowWater: 50,
      framesPerConnection: 8,
      backfill: {
        probe: (mn) => {
          steps.push(`probe ${mn}`);
          return Promise.resolve(new Date('2026-11-29T00:00:00Z'));
        },
        back: (mn, lastDataTime) => {
          void lastDataTime.then((time) => steps.push(`back ${mn} ${time?.toISOString() ?? ''}`));
        },
      },
    });
    const port = await listener.listen(0, '127.0.0.1');
    const socket = connect(port, '127.0.0.1');
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.write(upload(MN, 1).bytes);
      await waitFor(() => steps.includes(`back ${MN} 2026-11-29T00:00:00.000Z`), { timeoutMs: 5_000, description: 'the back-fill check' });
      socket.write(upload(MN, 2).bytes);
      socket.write(upload('88888880000002', 3).bytes);
      await waitFor(() => steps.filter((step) => step.startsWith('accept')).length === 3, { timeoutMs: 5_000, description: 'three frames accepted or refused' });
      expect(steps).toEqual([`probe ${MN}`, `accept ${MN}`, `back ${MN} 2026-11-29T00:00:00.000Z`, `accept ${MN}`, 'accept 88888880000002']);
    } finally {
      socket.destroy();
      await listener.close();
    }
  });
});
