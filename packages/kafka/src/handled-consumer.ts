import type { Kafka } from 'kafkajs';
import { isDomainError } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';
import { DependencyUnavailableError, PoisonRecordError, RetriableError } from './errors';
import { createEventConsumer, type EventConsumer, type EventConsumerOptions } from './event-consumer';
import type { EventPublisher } from './event-publisher';
import type { ReceivedEvent } from './received-event';

/** The services' usual retry of a record that failed for a passing reason (a deadlock, a lost connection). */
const HANDLED_RETRY = { attempts: 8, initialBackoffMs: 100, maxBackoffMs: 5_000 };

export interface HandledConsumerOptions<Input> {
  kafka: Kafka;
  topic: string;
  groupId: string;
  deadLetters: EventPublisher;
  logger: Logger;
  fromBeginning: boolean;
  sessionTimeoutMs?: number;
  /**
   * The record as the handler takes it; undefined for a record that is not for this consumer (counted as
   * `skippedOutcome`). A record that cannot be what the topic carries throws PoisonRecordError.
   */
  decode: (event: ReceivedEvent) => Input | undefined;
  /** Handles one input idempotently (a redelivery changes nothing) and names the outcome, which is counted. */
  handle: (input: Input) => Promise<string>;
  /** Counts every record: the handler's outcome, `skippedOutcome`, or `rejected` with the reason for a poison record. */
  count: (outcome: string, attributes: Record<string, string>, input: Input | undefined) => void;
  /** The outcome counted for a record `decode` passed over. */
  skippedOutcome: string;
  /** What the input is, for an error's message (`alert <id>`); the record's topic@offset when not given. */
  describe?: (input: Input) => string;
  /**
   * The handler's database, when an outage of it must hold the partition instead of retrying and then dead-lettering
   * good records: `unavailable(error)` says whether the failure was that outage (a lost connection, no answer now).
   */
  database?: { unavailable: (error: unknown) => Promise<boolean> };
  /** Told when a partition starts or stops being held for the database (readiness, metrics). */
  onHold?: EventConsumerOptions['onHold'];
  /** Told the member's partitions after every (re)join, before their records are handled (state kept per key). */
  onAssigned?: EventConsumerOptions['onAssigned'];
}

/**
 * The one shape of a service's consumer of one topic: decode, handle, count the outcome. A record the domain refuses
 * (a DomainError) or that cannot be decoded goes to `<topic>.dlq` at once, counted as `rejected` with its reason; the
 * database away holds the partition (when `database` is given); anything else is retried with backoff, then
 * dead-lettered. Handlers commit before the offset does, so a crash only redelivers.
 */
export function createHandledConsumer<Input>(options: HandledConsumerOptions<Input>): EventConsumer {
  const reject = (error: PoisonRecordError, input: Input | undefined): never => {
    options.count('rejected', { reason: error.code }, input);
    throw error;
  };
  return createEventConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: options.fromBeginning,
    deadLetters: options.deadLetters,
    logger: options.logger,
    partitionsConsumedConcurrently: 3,
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    retry: HANDLED_RETRY,
    handler: async (event) => {
      let input: Input | undefined;
      try {
        input = options.decode(event);
      } catch (error) {
        if (error instanceof PoisonRecordError) reject(error, undefined);
        throw error;
      }
      if (input === undefined) {
        options.count(options.skippedOutcome, {}, undefined);
        return;
      }
      const what = options.describe?.(input) ?? `${event.topic}@${event.offset}`;
      try {
        options.count(await options.handle(input), {}, input);
      } catch (error) {
        if (isDomainError(error)) reject(new PoisonRecordError(error.reason ?? error.code, error.message, { cause: error }), input);
        if (error instanceof PoisonRecordError) reject(error, input);
        if (error instanceof RetriableError) throw error;
        if (options.database && (await options.database.unavailable(error))) {
          throw new DependencyUnavailableError('postgres', `${what} waits for PostgreSQL`, { cause: error });
        }
        throw new RetriableError(`${what} not handled: ${(error as Error).message}`, { cause: error });
      }
    },
    ...(options.onHold ? { onHold: options.onHold } : {}),
    ...(options.onAssigned ? { onAssigned: options.onAssigned } : {}),
  });
}
