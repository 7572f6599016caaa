export { testEnvironment, type TestEnvironment } from './test-environment';
export { waitFor, type WaitForOptions } from './wait-for';
export { createTestSchema, uniqueRedisPrefix, uniqueToken, uniqueTopicPrefix, type TestSchema } from './isolation';
export { recordTopics, testKafka, type RecordedMessage, type TopicRecorder } from './topic-recorder';
export { freePort, startServiceProcess, type ServiceProcess, type StartServiceOptions } from './service-process';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export { repositoryRoot, startPrivateKafka, startPrivateKafkaCluster, startPrivateRedis, type PrivateKafkaCluster, type PrivateKafkaOptions, type PrivateServer, type SecuredPrivateServer } from './private-servers';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
