import type { AccessPolicy, GrpcServiceBinding } from '@ecogrid/grpc';
import type { EventConsumer, EventPublisher, TopicKey } from '@ecogrid/kafka';
import type { OutboxRelay } from '@ecogrid/outbox';
import type { RegistryView } from '@ecogrid/registry-view';
import type { Clock, DependencyCheck } from '@ecogrid/service-kit';
import type { Logger } from '@ecogrid/telemetry';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { EmergencyConfig } from '../config';

/**
 * What main.ts hands each part of the service (warnings, incidents, early warning): the shared pool, the one outbox
 * relay, the registry view and Kafka. A part builds its own stores and use cases from these.
 */
export interface EmergencyContext {
  config: EmergencyConfig;
  logger: Logger;
  clock: Clock;
  pool: pg.Pool;
  kafka: Kafka;
  /** Dead letters of the part's consumers; events themselves go through the outbox. */
  publisher: EventPublisher;
  relay: OutboxRelay;
  registry: RegistryView;
  topics: Record<TopicKey, string>;
}

/** What a part gives back for main.ts to wire: its gRPC services with their access table, and its consumers. */
export interface EmergencyPart {
  name: string;
  grpcServices: GrpcServiceBinding[];
  access: AccessPolicy;
  /** Started by main.ts after the gRPC server; readiness waits until each is in its group. */
  consumers: Array<{ name: string; consumer: EventConsumer }>;
  /** Further readiness conditions (a cache warmed, a schedule loaded). */
  healthChecks?: DependencyCheck[];
  /** Timers and the like to stop on shutdown, after the consumers. */
  stop?: () => Promise<void>;
}
