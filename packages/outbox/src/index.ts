export { enqueue, outboxInsert, outboxInsertParameters, outboxNotify, type EnqueueOptions, type OutboxEvent, type OutboxTransaction } from './enqueue';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { OUTBOX_CHANNEL, outboxMigration } from './outbox-migration';
