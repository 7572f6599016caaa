import { startTelemetry } from '@ecogrid/telemetry';

/** Imported first by main.ts: OpenTelemetry must patch http, grpc and pg before they are loaded. */
export const telemetry = startTelemetry({ serviceName: process.env.SERVICE_NAME ?? 'emergency' });
