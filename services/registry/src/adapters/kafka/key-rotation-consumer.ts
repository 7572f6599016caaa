import type { Kafka } from 'kafkajs';
import { createEventConsumer, PoisonRecordError, RetriableError, type EventConsumer, type EventPublisher, type ReceivedEvent } from '@ecogrid/kafka';
import { wrappedFromSealedText } from '@ecogrid/device-credentials';
import { CommandState, DeviceCommandChanged } from '@ecogrid/proto/ingest/v1/events';
import type { Logger } from '@ecogrid/telemetry';
import type { AdoptRotatedKey, ConfirmedRotation } from '../../app';

/** A confirmed rotation in an ecogrid.devices.commands.v1 record, or undefined for any other command change. */
export function toConfirmedRotation(event: ReceivedEvent): ConfirmedRotation | undefined {
  if (event.value === null) return undefined;
  let change: DeviceCommandChanged;
  try {
    change = DeviceCommandChanged.decode(event.value);
  } catch (error) {
    throw new PoisonRecordError('bad_payload', `not a DeviceCommandChanged: ${(error as Error).message}`);
  }
  const command = change.command;
  if (!command || command.commandCode !== '1014' || command.state !== CommandState.COMMAND_STATE_SUCCEEDED) return undefined;
  const key = wrappedFromSealedText(command.params.NewSK ?? '');
  if (!key) throw new PoisonRecordError('bad_key', `1014 command ${command.id} carries no sealed key`);
  return { mn: command.deviceMn, key, confirmedAt: command.finishedTime ?? command.updatedTime ?? new Date(event.timestamp) };
}

/**
 * Reads ingest's device commands and adopts every confirmed 1014 key rotation into the registry (the registry owns
 * devices' keys; ingest only runs the exchange with the device). At least once: adopting is idempotent.
 */
export function createKeyRotationConsumer(options: { kafka: Kafka; topic: string; groupId: string; adopt: AdoptRotatedKey; deadLetters: EventPublisher; logger: Logger }): EventConsumer {
  return createEventConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: [options.topic],
    fromBeginning: true,
    deadLetters: options.deadLetters,
    logger: options.logger,
    retry: { attempts: 8, initialBackoffMs: 100, maxBackoffMs: 5_000 },
    handler: async (event) => {
      const rotation = toConfirmedRotation(event);
      if (!rotation) return;
      try {
        const outcome = await options.adopt(rotation);
        // The MN and the KEK id only: the key never goes into a log line, not even wrapped.
        if (outcome === 'rotated') options.logger.info({ mn: rotation.mn, kekId: rotation.key.kekId }, 'device SM4 key rotated (1014 confirmed)');
      } catch (error) {
        throw new RetriableError(`rotation of ${rotation.mn} not adopted: ${(error as Error).message}`, { cause: error });
      }
    },
  });
}
