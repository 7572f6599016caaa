import { Agent, request } from 'node:http';
import { loadObservation, type LoadDevice } from './load-devices';

/**
 * POST /v1/observations over keep-alive connections, one observation of eight measurements per request,
 * authenticated as a gateway. Resolves true on 202.
 */
export function httpObservationSender(baseUrl: string, token: string, devices: readonly LoadDevice[], options: { connections: number; stepOffset?: number }) {
  const url = new URL('/v1/observations', baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const offset = options.stepOffset ?? 0;
  return {
    send: (index: number): Promise<boolean> => {
      const device = devices[index % devices.length];
      if (!device) return Promise.resolve(false);
      const observation = loadObservation(device, offset + Math.floor(index / devices.length));
      const body = JSON.stringify({
        deviceMn: observation.deviceMn,
        commandCode: observation.commandCode,
        dataTime: observation.dataTime.toISOString(),
        measurements: observation.measurements.map((measurement) => ({ ...measurement, kind: 'Rtd', flag: 'N' })),
      });
      return new Promise<boolean>((resolve) => {
        const call = request(
          url,
          { method: 'POST', agent, timeout: 10_000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` } },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode === 202));
            response.on('error', () => resolve(false));
          },
        );
        call.on('timeout', () => call.destroy(new Error('timeout')));
        call.on('error', () => resolve(false));
        call.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
