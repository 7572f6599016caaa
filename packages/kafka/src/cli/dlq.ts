/**
 * `pnpm dlq replay <topic> [--from <ISO time>] [--to <ISO time>] [--id <ce_id> …] [--dry-run]`
 *
 * Publishes the dead letters of `<topic>` (read from `<topic>.dlq`) back to `<topic>` as they were first published,
 * once the cause is mended. `<topic>` is the full name (`ecogrid.alerts.v1`, with TOPIC_PREFIX prepended when set).
 * `--from`/`--to` select by when a record was dead-lettered; `--dry-run` counts without publishing.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '@ecogrid/telemetry';
import { createKafka, kafkaCredentialsFrom } from '../create-kafka';
import { replayDeadLetters } from '../dead-letter-replay';

const USAGE = 'usage: pnpm dlq replay <topic> [--from <ISO time>] [--to <ISO time>] [--id <ce_id>]… [--dry-run]';

function instant(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`--${name} is not a time: ${value} (use ISO 8601, e.g. 2026-12-06T10:00:00+08:00)`);
  return date;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, id: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean', default: false } },
  });
  const [command, topic] = positionals;
  if (command !== 'replay' || !topic) {
    console.error(USAGE);
    return 2;
  }
  const logger = createLogger({ service: 'dlq', level: 'warn' });
  const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', clientId: 'dlq-replay', logger, credentials: kafkaCredentialsFrom(process.env) });
  const from = instant('from', values.from);
  const to = instant('to', values.to);
  const report = await replayDeadLetters({
    kafka,
    topic: `${process.env.TOPIC_PREFIX ?? ''}${topic}`,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(values.id ? { ids: new Set(values.id) } : {}),
    dryRun: values['dry-run'],
  });
  const verb = values['dry-run'] ? 'would replay' : 'replayed';
  console.log(`${report.deadLetterTopic}: scanned ${report.scanned}, ${verb} ${report.replayed}, skipped ${report.skipped} outside the selection, ${report.foreign} of another topic`);
  for (const [code, count] of Object.entries(report.byErrorCode)) console.log(`  ${code}: ${count}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`dlq failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
