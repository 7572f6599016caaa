import type { Kafka } from 'kafkajs';
import { metrics } from '@opentelemetry/api';
import { createEventConsumer, type EventConsumer, type EventPublisher, type ReceivedEvent } from '@ecogrid/kafka';
import { AlertChanged, StationAqiComputed } from '@ecogrid/proto/alerting/v1/events';
import { CaseChanged } from '@ecogrid/proto/dispatch/v1/events';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import type { Logger } from '@ecogrid/telemetry';
import type { LiveEventSource } from '../../app/ports';
import type { LiveEvent } from '../../domain/live-event';
import { alertView, aqiView } from '../wire/alert-view';
import { caseEventView } from '../wire/case-wire';
import { emergencyLiveEvent } from '../wire/emergency-event-view';

const meter = metrics.getMeter('@ecogrid/console');
const received = meter.createCounter('console_live_events_total', { description: 'Kafka events turned into live events, by kind' });
const unreadable = meter.createCounter('console_live_unreadable_total', { description: 'Kafka records the console could not decode, by topic' });

export interface LiveFeedTopics {
  alerts: string;
  cases: string;
  aqiHourly: string;
  /** Heavy-pollution warnings, obligation breaches, incidents and early warnings (one EmergencyEvent wrapper). */
  emergency: string;
}

/**
 * The live events of the console, from Kafka: a consumer group of this instance's own (each instance must see
 * every event, for its own browsers), from the latest offset, since the pages load what happened before through
 * the services' APIs. A record that does not decode is counted and skipped: the live view is a convenience and the
 * services stay the source of truth; a record without a valid envelope is dead-lettered by the shared consumer.
 */
export function createLiveFeed(options: { kafka: Kafka; groupId: string; topics: LiveFeedTopics; deadLetters: EventPublisher; logger: Logger }): LiveEventSource & { consumer: EventConsumer } {
  const listeners = new Set<(event: LiveEvent) => void>();
  const logger = options.logger.child({ module: 'live-feed' });
  const { topics } = options;

  const toLiveEvent = (record: ReceivedEvent): LiveEvent | undefined => {
    if (!record.value) return undefined;
    switch (record.topic) {
      case topics.alerts: {
        const alert = AlertChanged.decode(record.value);
        return { kind: 'alert', id: alert.alertId, townshipCode: alert.townshipCode, data: alertView(alert) };
      }
      case topics.cases: {
        const change = CaseChanged.decode(record.value);
        return { kind: 'case', id: change.caseId, townshipCode: change.townshipCode, assigneeOfficerId: change.assigneeOfficerId, data: caseEventView(change) };
      }
      case topics.aqiHourly: {
        const hour = StationAqiComputed.decode(record.value);
        return { kind: 'aqi', id: hour.stationMn, data: aqiView(hour) };
      }
      case topics.emergency:
        return emergencyLiveEvent(EmergencyEvent.decode(record.value));
      default:
        return undefined;
    }
  };

  const consumer = createEventConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [topics.alerts, topics.cases, topics.aqiHourly, topics.emergency],
    deadLetters: options.deadLetters,
    logger,
    fromBeginning: false,
    handler: async (record) => {
      let event: LiveEvent | undefined;
      try {
        event = toLiveEvent(record);
      } catch (error) {
        unreadable.add(1, { topic: record.topic });
        logger.warn({ topic: record.topic, partition: record.partition, offset: record.offset, err: error }, 'record could not be decoded; skipped');
        return;
      }
      if (!event) return;
      received.add(1, { kind: event.kind });
      for (const listener of listeners) listener(event);
    },
  });

  return {
    consumer,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
