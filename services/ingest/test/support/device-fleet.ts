import { connect, type Socket } from 'node:net';
import { encodeFlag, encodeFrame, FrameDecoder } from '@ecogrid/standards';
import type { Device } from '@ecogrid/proto/registry/v1/entities';
import { formatChinaDigits } from '../../src/domain/china-time';

export interface FleetCounts {
  /** Distinct observations sent. */
  sent: number;
  /** Transmissions, re-sends included. */
  transmissions: number;
  /** Observations the platform answered with 9014. */
  acknowledged: number;
  /** Times a device found its connection gone and reconnected. */
  reconnects: number;
}

export interface DeviceFleet {
  counts(): FleetCounts;
  /** Observation ids that got a 9014. */
  readonly acknowledgedIds: ReadonlySet<string>;
  /** Stops sending new data; resolves when every device's last frame is acknowledged (or the time is up). */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Devices as they behave in the field: one TCP connection each, one real-time upload at a time; a frame
 * whose 9014 does not come within `replyTimeoutMs` is sent again, and a dropped connection is re-opened
 * and the unanswered frame re-sent. Data times step by one second per frame, so every observation is
 * distinct and countable.
 */
export function startDeviceFleet(options: { port: number | readonly number[]; devices: Device[]; replyTimeoutMs?: number; start?: Date; pauseMs?: number }): DeviceFleet {
  // Several ports: the addresses of several ingest instances, as a data logger with a main and a standby platform
  // address (or a TCP balancer) sees them. Devices are spread over them and move to the next when one refuses.
  const ports = typeof options.port === 'number' ? [options.port] : options.port;
  const replyTimeoutMs = options.replyTimeoutMs ?? 1_500;
  const startMillis = (options.start ?? new Date(Date.now() - 6 * 3_600_000)).getTime();
  const counts: FleetCounts = { sent: 0, transmissions: 0, acknowledged: 0, reconnects: 0 };
  const acknowledgedIds = new Set<string>();
  let running = true;
  const finished: Array<Promise<void>> = [];

  const runDevice = async (device: Device, index: number): Promise<void> => {
    let socket: Socket | undefined;
    let waiting: ((qn: string | null) => void) | undefined;
    const decoder = new FrameDecoder({ hj212: { mode: 'tolerant' } });
    let portIndex = index % ports.length;
    const open = (): Promise<void> =>
      new Promise((resolve) => {
        const attempt = (): void => {
          const candidate = connect(ports[portIndex] ?? 0, '127.0.0.1');
          candidate.once('connect', () => {
            socket = candidate;
            candidate.on('data', (chunk: Buffer) => {
              for (const result of decoder.push(chunk)) if (result.ok && result.frame.cn === '9014') waiting?.(result.frame.qn);
            });
            candidate.on('close', () => {
              if (socket === candidate) socket = undefined;
              waiting?.(null);
            });
            resolve();
          });
          candidate.once('error', () => {
            candidate.destroy();
            portIndex = (portIndex + 1) % ports.length;
            setTimeout(attempt, 100);
          });
        };
        attempt();
      });

    for (let sequence = 0; running; sequence += 1) {
      const dataTime = new Date(startMillis + sequence * 1_000 + index * 17);
      dataTime.setUTCMilliseconds(0);
      const qn = `${formatChinaDigits(new Date())}${String(sequence % 1000).padStart(3, '0')}`;
      const bytes = encodeFrame({
        qn,
        st: '31',
        cn: '2011',
        pw: device.password,
        mn: device.mn,
        flag: encodeFlag({ version: '2017', needsAck: true }),
        cp: { text: `DataTime=${formatChinaDigits(dataTime)};a21026-Rtd=${(20 + (sequence % 10)).toFixed(1)},a21026-Flag=N;a01012-Rtd=101.0,a01012-Flag=N` },
      });
      counts.sent += 1;
      for (;;) {
        if (!socket) {
          if (counts.transmissions > 0) counts.reconnects += 1;
          await open();
        }
        const answered = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), replyTimeoutMs);
          waiting = (repliedQn) => {
            if (repliedQn !== null && repliedQn !== qn) return;
            clearTimeout(timer);
            resolve(repliedQn === qn);
          };
        });
        counts.transmissions += 1;
        socket?.write(bytes);
        if (await answered) break;
        if (!running && Date.now() > stopDeadline) return;
      }
      counts.acknowledged += 1;
      acknowledgedIds.add(`${device.mn}:2011:${dataTime.toISOString()}`);
      // A device paced like a real one (a frame every pauseMs) rather than as fast as it is answered.
      if (options.pauseMs && running) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
    socket?.end();
  };

  let stopDeadline = Number.POSITIVE_INFINITY;
  options.devices.forEach((device, index) => finished.push(runDevice(device, index)));
  return {
    counts: () => ({ ...counts }),
    acknowledgedIds,
    stop: async (timeoutMs = 30_000) => {
      running = false;
      stopDeadline = Date.now() + timeoutMs;
      await Promise.all(finished);
    },
  };
}
