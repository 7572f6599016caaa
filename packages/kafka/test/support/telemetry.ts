import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTelemetry } from '@ecogrid/telemetry';

/** Imported first, as a service's main.ts imports its telemetry before anything it instruments. */
export const spans = new InMemorySpanExporter();
export const telemetry = startTelemetry({ serviceName: 'kafka-test', spanExporter: spans });
