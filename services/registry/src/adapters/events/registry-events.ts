import { randomUUID } from 'node:crypto';
import { TOPICS, type TopicKey } from '@ecogrid/kafka';
import type { OutboxEvent } from '@ecogrid/outbox';
import { CellChanged, DeviceChanged, EnterpriseChanged, OfficerChanged, TargetChanged } from '@ecogrid/proto/registry/v1/events';
import type { Clock } from '@ecogrid/service-kit';
import type { Cell, Device, Enterprise, Officer, Target, Township } from '../../domain/entities';
import { cellToWire, deviceToWireForTopic, enterpriseToWire, officerToWire, targetToWire, townshipToWire } from '../wire/registry-wire';

/** What other services learn of a registry change: one event on the entity's compacted topic, keyed by its id. */
export interface RegistryEvents {
  /** A cell carries its township, so a view needs no second topic to name it. */
  cellChanged(cell: Cell, township: Township | undefined): OutboxEvent;
  officerChanged(officer: Officer): OutboxEvent;
  /** Carries the device's password verifier, never its password. */
  deviceChanged(device: Device): OutboxEvent;
  enterpriseChanged(enterprise: Enterprise): OutboxEvent;
  targetChanged(target: Target): OutboxEvent;
  /** The tombstone (null payload) that removes the entity from every view and, after compaction, from the topic. */
  removed(entity: RemovableEntity, id: string): OutboxEvent;
}

export type RemovableEntity = 'cell' | 'officer' | 'device' | 'enterprise' | 'target';

const TOPIC_OF: Readonly<Record<RemovableEntity, TopicKey>> = {
  cell: 'registryCells',
  officer: 'registryOfficers',
  device: 'registryDevices',
  enterprise: 'registryEnterprises',
  target: 'registryTargets',
};

export interface RegistryEventsOptions {
  /** Full topic names, deployment prefix included: `topicNames(TOPIC_PREFIX)`. */
  topics: { readonly [K in TopicKey]: string };
  clock: Clock;
  /**
   * The CloudEvents id of each event. A registry change has no natural identity: a version number is shared by a
   * cell and its republication after a township rename, and a content hash would give an entity that changes back
   * the id of its earlier event, which consumers would drop as a repeat. So every change gets a fresh one.
   */
  newId?: () => string;
}

/** The registry's events in their protobuf form, ready for the outbox. */
export function createRegistryEvents(options: RegistryEventsOptions): RegistryEvents {
  const newId = options.newId ?? randomUUID;
  const event = (topic: TopicKey, key: string, payload: Uint8Array | null): OutboxEvent => ({
    topic: options.topics[topic],
    key,
    type: TOPICS[topic].payload,
    payload,
    id: newId(),
    time: options.clock.now(),
  });
  return {
    cellChanged: (cell, township) =>
      event(
        'registryCells',
        cell.id,
        CellChanged.encode({ cell: cellToWire(cell), township: townshipToWire(township ?? { code: cell.townshipCode, name: '', kind: '', supervisorOfficerId: '', districtCode: '' }) }).finish(),
      ),
    officerChanged: (officer) => event('registryOfficers', officer.id, OfficerChanged.encode({ officer: officerToWire(officer) }).finish()),
    deviceChanged: (device) => event('registryDevices', device.mn, DeviceChanged.encode({ device: deviceToWireForTopic(device) }).finish()),
    enterpriseChanged: (enterprise) => event('registryEnterprises', enterprise.uscc, EnterpriseChanged.encode({ enterprise: enterpriseToWire(enterprise) }).finish()),
    targetChanged: (target) => event('registryTargets', target.id, TargetChanged.encode({ target: targetToWire(target) }).finish()),
    removed: (entity, id) => event(TOPIC_OF[entity], id, null),
  };
}
