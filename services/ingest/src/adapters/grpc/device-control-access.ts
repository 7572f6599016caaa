import type { AccessPolicy } from '@ecogrid/grpc';

const CONTROL = '/ecogrid.ingest.v1.DeviceControlService/';
const INGEST = '/ecogrid.ingest.v1.IngestService/';
const RATES = '/ecogrid.ingest.v1.TransmissionRateService/';
/** Transmission rates are what regulators assess enterprises by: the command center, analysts and credit officers read them, and operators, who keep devices on the air. */
const RATE_READERS = ['operator', 'command_center', 'analyst', 'credit_officer'] as const;

/**
 * Who may call ingest's gRPC methods (docs/security.md). Commands reach field equipment — a wrong interval or
 * password takes a station off the air — so only the operator role sends and reads them; IngestService keeps its
 * own device and gateway credentials, checked by its handlers.
 */
export const INGEST_ACCESS: AccessPolicy = {
  [`${CONTROL}SendCommand`]: { roles: ['operator'] },
  [`${CONTROL}GetCommand`]: { roles: ['operator'] },
  [`${CONTROL}ListCommands`]: { roles: ['operator'] },
  [`${RATES}GetDeviceTransmissionRate`]: { roles: RATE_READERS },
  [`${RATES}GetEnterpriseTransmissionRate`]: { roles: RATE_READERS },
  [`${INGEST}SubmitObservations`]: { deviceCredentials: true },
  [`${INGEST}StreamObservations`]: { deviceCredentials: true },
};
