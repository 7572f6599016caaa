import type { KafkaMessage } from 'kafkajs';
import type { Logger } from '@ecogrid/telemetry';
import { headerText } from './envelope';
import { countDeadLetter } from './consumer-metrics';
import { errorCode } from './errors';
import type { EventPublisher } from './event-publisher';
import { deadLetterTopicName } from './topics';

export type DeadLetter = (topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number) => Promise<void>;

/**
 * Sends a record that cannot be processed to `<topic>.dlq`: the original key, value and every original header
 * (`ce_*`, `traceparent` included, so a replay is idempotent downstream and stays in its trace), plus why —
 * `x-orig-topic`, `x-orig-partition`, `x-orig-offset`, `x-consumer-group`, `x-error`, `x-error-code`,
 * `x-attempts` (how many times it was really tried), `x-failed-at`.
 */
export function createDeadLetter(deadLetters: EventPublisher, groupId: string, logger: Logger): DeadLetter {
  return async (topic, partition, message, error, attempts) => {
    const original: Record<string, string> = {};
    for (const name of Object.keys(message.headers ?? {})) {
      const text = headerText(message.headers, name);
      if (text !== undefined) original[name] = text;
    }
    const reason = error instanceof Error ? error.message : String(error);
    await deadLetters.publish({
      topic: deadLetterTopicName(topic),
      key: message.key === null ? null : message.key.toString(),
      value: message.value,
      type: original.ce_type ?? 'unknown',
      ...(original.ce_id ? { id: original.ce_id } : {}),
      ...(original.ce_time && !Number.isNaN(Date.parse(original.ce_time)) ? { time: new Date(original.ce_time) } : {}),
      // The dead letter's own send span continues the record's trace, not whatever is active in the consumer.
      ...(original.traceparent ? { causedBy: { traceparent: original.traceparent, ...(original.tracestate ? { tracestate: original.tracestate } : {}) } } : {}),
      headers: {
        ...original,
        'x-orig-topic': topic,
        'x-orig-partition': String(partition),
        'x-orig-offset': message.offset,
        'x-consumer-group': groupId,
        'x-error': reason.slice(0, 1_000),
        'x-error-code': errorCode(error),
        'x-attempts': String(attempts),
        'x-failed-at': new Date().toISOString(),
      },
    });
    countDeadLetter(topic, errorCode(error));
    logger.warn({ topic, partition, offset: message.offset, code: errorCode(error), attempts }, 'record dead-lettered');
  };
}
