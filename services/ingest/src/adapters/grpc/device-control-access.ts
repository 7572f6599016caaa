import type { AccessPolicy } from '@ecogrid/grpc';

const CONTROL = '/ecogrid.ingest.v1.DeviceControlService/';
const INGEST = '/ecogrid.ingest.v1.IngestService/';

/**
 * Who may call ingest's gRPC methods (docs/security.md). Commands reach field equipment — a wrong interval or
 * password takes a station off the air — so only the operator role sends and reads them; IngestService keeps its
 * own device and gateway credentials, checked by its handlers.
 */
export const INGEST_ACCESS: AccessPolicy = {
  [`${CONTROL}SendCommand`]: { roles: ['operator'] },
  [`${CONTROL}GetCommand`]: { roles: ['operator'] },
  [`${CONTROL}ListCommands`]: { roles: ['operator'] },
  [`${INGEST}SubmitObservations`]: { deviceCredentials: true },
  [`${INGEST}StreamObservations`]: { deviceCredentials: true },
};
