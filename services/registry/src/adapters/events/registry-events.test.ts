import { describe, expect, it } from 'vitest';
import { topicNames } from '@ecogrid/kafka';
import { OfficerRole } from '@ecogrid/proto/registry/v1/entities';
import { CellChanged, OfficerChanged } from '@ecogrid/proto/registry/v1/events';
import type { Cell, Officer } from '../../domain/entities';
import { createRegistryEvents } from './registry-events';

const at = new Date('2026-12-06T04:00:00Z');
let sequence = 0;
const events = createRegistryEvents({ topics: topicNames('t.x.'), clock: { now: () => at }, newId: () => `id-${++sequence}` });

const officer: Officer = { id: 'GO-1', name: '李明', role: 'supervisor', townshipCode: 'T1', cellIds: ['C1'], contact: 'sms:1', roster: [], active: true };
const cell: Cell = { id: 'C1', name: 'C1', townshipCode: 'T1', geometryGeojson: '{}', validFrom: at, version: 2, areaM2: 10 };

describe('registry events', () => {
  it('puts a change on the entity’s full topic name, keyed by its id, typed by its protobuf message, with a fresh id each time', () => {
    const first = events.officerChanged(officer);
    const second = events.officerChanged(officer);
    expect(first).toMatchObject({ topic: 't.x.ecogrid.registry.officers.v1', key: 'GO-1', type: 'ecogrid.registry.v1.OfficerChanged', time: at });
    expect(first.id).not.toBe(second.id);
    expect(OfficerChanged.decode(first.payload ?? new Uint8Array()).officer).toMatchObject({ id: 'GO-1', role: OfficerRole.OFFICER_ROLE_SUPERVISOR, cellIds: ['C1'] });
  });

  it('carries the township with a cell, and a township of its code alone when none is known', () => {
    const known = CellChanged.decode(events.cellChanged(cell, { code: 'T1', name: '解州镇', kind: 'town', supervisorOfficerId: '', districtCode: '140802' }).payload ?? new Uint8Array());
    expect(known).toMatchObject({ cell: { id: 'C1', version: 2, validFrom: at }, township: { code: 'T1', name: '解州镇' } });
    expect(CellChanged.decode(events.cellChanged(cell, undefined).payload ?? new Uint8Array()).township).toMatchObject({ code: 'T1', name: '' });
  });

  it('removes an entity with a tombstone on its topic', () => {
    expect(events.removed('device', 'MN1')).toMatchObject({ topic: 't.x.ecogrid.registry.devices.v1', key: 'MN1', type: 'ecogrid.registry.v1.DeviceChanged', payload: null });
  });
});
