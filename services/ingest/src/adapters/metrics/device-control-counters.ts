import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('@ecogrid/ingest');
const requestsSent = meter.createCounter('ingest_device_commands_sent_total', { description: 'Command frames written to devices, by CN and whether it was a re-send' });
const commandsEnded = meter.createCounter('ingest_device_commands_swept_total', { description: 'Commands ended by the sweep: expired unsent, or timed out with no instance following them' });

/** Device-control counters (Prometheus through the service's meter). */
export function createDeviceControlCounters() {
  return {
    sent: (commandCode: string, resend: boolean): void => requestsSent.add(1, { cn: commandCode, resend: String(resend) }),
    ended: (state: string): void => commandsEnded.add(1, { state }),
  };
}
