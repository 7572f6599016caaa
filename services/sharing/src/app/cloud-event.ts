import type { Dataset } from '../domain/catalogue';
import { projectRecord, type Grant } from '../domain/grant';
import type { FieldValue, SharedRecord } from '../domain/shared-record';

/** A record as pushed (SSE, webhooks): a CloudEvent in structured JSON, numbered by the record's sequence. */
export interface PushedEvent {
  seq: number;
  cloudEvent: {
    specversion: '1.0';
    id: string;
    source: string;
    type: string;
    subject: string;
    time: string;
    datacontenttype: 'application/json';
    data: Record<string, FieldValue>;
  };
}

export function pushedEvent(record: SharedRecord, grant: Grant, dataset: Dataset): PushedEvent {
  return {
    seq: record.seq,
    cloudEvent: {
      specversion: '1.0',
      id: `${dataset.id}:${record.seq}`,
      source: '/ecogrid/sharing',
      type: `cn.gov.yanhu.ecogrid.sharing.${dataset.id}`,
      subject: record.key,
      time: record.occurredAt.toISOString(),
      datacontenttype: 'application/json',
      data: projectRecord(record, grant, dataset),
    },
  };
}
