import { credentials, Metadata } from '@grpc/grpc-js';
import { IngestServiceClient } from '@ecogrid/proto/ingest/v1/ingest';
import { ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { loadObservation, type LoadDevice } from './load-devices';

/**
 * SubmitObservations with one observation of eight measurements per call, spread over several channels
 * (each with its own subchannel, so each is its own HTTP/2 connection). Resolves true when the call is OK
 * and the observation accepted.
 */
export function grpcObservationSender(address: string, token: string, devices: readonly LoadDevice[], options: { channels: number; stepOffset?: number }) {
  const clients = Array.from({ length: options.channels }, () => new IngestServiceClient(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const offset = options.stepOffset ?? 0;
  return {
    send: (index: number): Promise<boolean> => {
      const device = devices[index % devices.length];
      const client = clients[index % clients.length];
      if (!device || !client) return Promise.resolve(false);
      const observation = loadObservation(device, offset + Math.floor(index / devices.length));
      return new Promise<boolean>((resolve) => {
        client.submitObservations(
          {
            observations: [
              {
                deviceMn: observation.deviceMn,
                commandCode: observation.commandCode,
                dataTime: observation.dataTime,
                measurements: observation.measurements.map((measurement) => ({ ...measurement, kind: ValueKind.VALUE_KIND_RTD, flag: 'N' })),
              },
            ],
          },
          metadata,
          { deadline: Date.now() + 10_000 },
          (error, response) => resolve(!error && (response?.results ?? []).every((result) => result.accepted)),
        );
      });
    },
    close: () => {
      for (const client of clients) client.close();
    },
  };
}
