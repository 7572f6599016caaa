export { TOPICS, allTopicSpecs, deadLetterTopicName, topicNames, type TopicKey, type TopicSpec } from './topics';
export {
  CONTENT_TYPE_PROTOBUF,
  SPEC_VERSION,
  EnvelopeError,
  fromHeaders,
  headerText,
  newAttributes,
  toHeaders,
  type EventAttributes,
  type NewEventAttributes,
} from './envelope';
export { createEventPublisher, type EventPublisher, type EventPublisherOptions, type OutgoingEvent } from './event-publisher';
export { currentTraceCarrier, type TraceCarrier } from './trace-context';
export { createEventConsumer, type EventConsumer, type EventConsumerOptions, type EventHandler, type RetryPolicy } from './event-consumer';
export { createHandledConsumer, type HandledConsumerOptions } from './handled-consumer';
export { createBatchConsumer, type BatchConsumerOptions, type BatchHandler, type BatchOutcome, type BatchPosition, type EventBatch } from './batch-consumer';
export { type ReceivedEvent } from './received-event';
export { DependencyUnavailableError, PoisonRecordError, RetriableError, errorCode, holdsPartition, isRetriable } from './errors';
export { createKafka, kafkaCredentialsFrom, type CreateKafkaOptions, type KafkaCredentials, type KafkaCredentialSettings } from './create-kafka';
export { aclEntriesFor, grantServiceAccess, SERVICE_KAFKA_ACCESS, type KafkaService, type ServiceKafkaAccess } from './service-access';
export { ensureTopics, waitForTopicLeaders } from './ensure-topics';
export { replayDeadLetters, type ReplayOptions, type ReplayReport } from './dead-letter-replay';
