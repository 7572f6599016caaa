/**
 * Attribute and metric names used across services, in one place so dashboards and alerts can rely on them.
 * Messaging and RPC keys follow the OpenTelemetry semantic conventions; `ecogrid.*` keys are ours.
 */
export const ATTR = {
  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
  messagingOperationType: 'messaging.operation.type',
  messagingOperationName: 'messaging.operation.name',
  messagingKafkaKey: 'messaging.kafka.message.key',
  messagingKafkaPartition: 'messaging.destination.partition.id',
  messagingKafkaOffset: 'messaging.kafka.offset',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  messagingBatchCount: 'messaging.batch.message_count',
  cloudEventId: 'cloudevents.event_id',
  cloudEventType: 'cloudevents.event_type',
  deviceMn: 'ecogrid.device.mn',
  hj212Command: 'ecogrid.hj212.command',
  reasonCode: 'ecogrid.reason_code',
  observationSource: 'ecogrid.observation.source',
} as const;

/**
 * Histogram buckets in seconds. The SDK's defaults are millisecond-shaped, which would put every
 * seconds-valued sample into the first bucket; SLO thresholds (50 ms, 100 ms, 250 ms) sit on boundaries.
 */
export const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
