import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTelemetry } from '@ecogrid/telemetry';

/** Imported before the code under test, as a service's main.ts imports its telemetry first. */
export const spans = new InMemorySpanExporter();
export const telemetry = startTelemetry({ serviceName: 'outbox-test', spanExporter: spans });
