import { startTelemetry } from '@ecogrid/telemetry';

/**
 * Imported first by main.ts: OpenTelemetry must patch http, express and grpc-js before they are loaded.
 */
export const telemetry = startTelemetry({ serviceName: process.env.SERVICE_NAME ?? 'console' });
