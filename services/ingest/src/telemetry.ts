import { startTelemetry } from '@ecogrid/telemetry';

/**
 * Imported first by main.ts: OpenTelemetry must patch http, grpc and ioredis before they are loaded.
 */
// Redis is called for every frame (dedupe, latest values): a span per command would cost more than the frame.
export const telemetry = startTelemetry({ serviceName: process.env.SERVICE_NAME ?? 'ingest', skip: ['ioredis'] });
