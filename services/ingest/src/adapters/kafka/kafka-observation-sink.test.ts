import { describe, expect, it } from 'vitest';
import type { EventPublisher, OutgoingEvent } from '@ecogrid/kafka';
import type { Observation, ObservationCommand } from '../../domain/observation';
import { createKafkaObservationSink } from './kafka-observation-sink';

function recordingPublisher(): EventPublisher & { batches: OutgoingEvent[][] } {
  const batches: OutgoingEvent[][] = [];
  return {
    batches,
    pending: 0,
    publish: async (event) => void batches.push([event]),
    publishAll: async (events) => void batches.push(events),
    whenPendingBelow: async () => undefined,
    connect: async () => undefined,
    disconnect: async () => undefined,
  };
}

const observation = (command: ObservationCommand, minute: number): Observation => {
  const dataTime = new Date(Date.UTC(2026, 11, 7, 1, minute));
  return { id: `MN1:${command}:${dataTime.toISOString()}`, deviceMn: 'MN1', command, dataTime, receivedTime: dataTime, source: 'hj212_tcp', measurements: [{ factorCode: 'a21026', kind: 'Avg', value: 12, flag: 'N' }] };
};

describe('the Kafka observation sink', () => {
  const batch = [observation('2011', 0), observation('2051', 1), observation('2061', 0), observation('2031', 2)];

  it('puts minute and hour records on the records topic too, in the same batch and with the same bytes, when the ledger is kept', async () => {
    const publisher = recordingPublisher();
    await createKafkaObservationSink(publisher, 'p.', Number.POSITIVE_INFINITY, { records: true }).record(batch);
    const [events] = publisher.batches;
    expect(publisher.batches).toHaveLength(1);
    expect(events?.map((event) => [event.topic, event.id])).toEqual([
      ['p.ecogrid.readings.v1', batch[0]?.id],
      ['p.ecogrid.readings.v1', batch[1]?.id],
      ['p.ecogrid.readings.records.v1', batch[1]?.id],
      ['p.ecogrid.readings.v1', batch[2]?.id],
      ['p.ecogrid.readings.records.v1', batch[2]?.id],
      ['p.ecogrid.readings.v1', batch[3]?.id],
    ]);
    expect(events?.[2]?.value).toEqual(events?.[1]?.value);
  });

  it('publishes the readings topic alone without the ledger (no PostgreSQL: device control off)', async () => {
    const publisher = recordingPublisher();
    await createKafkaObservationSink(publisher, '', Number.POSITIVE_INFINITY).record(batch);
    expect(publisher.batches[0]?.map((event) => event.topic)).toEqual(Array(4).fill('ecogrid.readings.v1'));
  });
});
