/**
 * The topic catalogue: every topic the platform uses, declared once. The platform creates them at start-up
 * (broker auto-creation is off), so a typo in a topic name fails loudly instead of creating a new topic.
 */
export interface TopicSpec {
  /** Full name without the deployment prefix, `ecogrid.<name>.v1`. */
  name: string;
  /** What the record key is. */
  key: string;
  /** Fully-qualified protobuf message of the value (the CloudEvents `ce_type`). */
  payload: string;
  partitions: number;
  cleanupPolicy: 'delete' | 'compact';
  /** Retention for `delete` topics; compacted topics keep the latest value per key forever. */
  retentionMs?: number;
  /** Consumers of this topic dead-letter to `<name>.dlq`. */
  hasDeadLetter: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const TOPICS = {
  readings: {
    name: 'ecogrid.readings.v1',
    key: 'device MN',
    payload: 'ecogrid.ingest.v1.ObservationRecorded',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    hasDeadLetter: true,
  },
  /**
   * The minute (2051) and hour (2061) records among the readings, again, as stored: what ingest's transmission ledger
   * counts. It reads these instead of the whole readings stream, most of which is real-time data it would only skip.
   */
  readingsRecords: {
    name: 'ecogrid.readings.records.v1',
    key: 'device MN',
    payload: 'ecogrid.ingest.v1.ObservationRecorded',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    hasDeadLetter: true,
  },
  readingsRejected: {
    name: 'ecogrid.readings.rejected.v1',
    key: 'device MN, empty when unknown',
    payload: 'ecogrid.ingest.v1.ReadingRejected',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    hasDeadLetter: false,
  },
  devicesStatus: {
    name: 'ecogrid.devices.status.v1',
    key: '"<device MN>/<aspect>": the latest report of every aspect of every device survives compaction',
    payload: 'ecogrid.ingest.v1.DeviceStatusReported',
    partitions: 3,
    cleanupPolicy: 'compact',
    hasDeadLetter: true,
  },
  devicesCommands: {
    name: 'ecogrid.devices.commands.v1',
    key: 'device MN: one device\'s commands and their changes stay in order',
    payload: 'ecogrid.ingest.v1.DeviceCommandChanged',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    hasDeadLetter: true,
  },
  devicesTransmission: {
    name: 'ecogrid.devices.transmission.v1',
    key: '"device/<MN>" or "enterprise/<USCC>": a day\'s data-transmission rates of one device or one enterprise',
    payload: 'ecogrid.ingest.v1.TransmissionRateReported',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 400 * DAY_MS,
    hasDeadLetter: true,
  },
  registryCells: {
    name: 'ecogrid.registry.cells.v1',
    key: 'cell id',
    payload: 'ecogrid.registry.v1.CellChanged',
    partitions: 3,
    cleanupPolicy: 'compact',
    hasDeadLetter: true,
  },
  registryDevices: {
    name: 'ecogrid.registry.devices.v1',
    key: 'device MN',
    payload: 'ecogrid.registry.v1.DeviceChanged',
    partitions: 3,
    cleanupPolicy: 'compact',
    hasDeadLetter: true,
  },
  registryEnterprises: {
    name: 'ecogrid.registry.enterprises.v1',
    key: 'USCC',
    payload: 'ecogrid.registry.v1.EnterpriseChanged',
    partitions: 3,
    cleanupPolicy: 'compact',
    hasDeadLetter: true,
  },
  registryOfficers: {
    name: 'ecogrid.registry.officers.v1',
    key: 'officer id',
    payload: 'ecogrid.registry.v1.OfficerChanged',
    partitions: 3,
    cleanupPolicy: 'compact',
    hasDeadLetter: true,
  },
  registryTargets: {
    name: 'ecogrid.registry.targets.v1',
    key: 'target id',
    payload: 'ecogrid.registry.v1.TargetChanged',
    partitions: 3,
    cleanupPolicy: 'compact',
    hasDeadLetter: true,
  },
  alerts: {
    name: 'ecogrid.alerts.v1',
    key: 'device MN',
    payload: 'ecogrid.alerting.v1.AlertChanged',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    hasDeadLetter: true,
  },
  aqiHourly: {
    name: 'ecogrid.aqi.hourly.v1',
    key: 'station MN',
    payload: 'ecogrid.alerting.v1.StationAqiComputed',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 365 * DAY_MS,
    hasDeadLetter: true,
  },
  cases: {
    name: 'ecogrid.cases.v1',
    key: 'case id',
    payload: 'ecogrid.dispatch.v1.CaseChanged',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 365 * DAY_MS,
    hasDeadLetter: true,
  },
  credit: {
    name: 'ecogrid.credit.v1',
    key: 'USCC',
    payload: 'ecogrid.credit.v1.CreditRatingChanged',
    partitions: 3,
    cleanupPolicy: 'compact',
    hasDeadLetter: true,
  },
  /**
   * Heavy-pollution warnings and their obligations, incidents and their timelines, early warnings, and the cases
   * they ask dispatch to open — one wrapper type, keyed by the warning, incident or forecast series.
   */
  emergency: {
    name: 'ecogrid.emergency.v1',
    key: 'warning, incident or forecast series id',
    payload: 'ecogrid.emergency.v1.EmergencyEvent',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 365 * DAY_MS,
    hasDeadLetter: true,
  },
  sharingAccess: {
    name: 'ecogrid.sharing.access.v1',
    key: 'partner id',
    payload: 'ecogrid.sharing.v1.FeedAccessed',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 365 * DAY_MS,
    hasDeadLetter: false,
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof TOPICS;

/** The dead-letter topic of a topic: same name with `.dlq`, same partitions, longer retention. */
export function deadLetterTopicName(topic: string): string {
  return `${topic}.dlq`;
}

/** Every topic to create: the catalogue plus the dead-letter topic of each topic that has one. */
export function allTopicSpecs(): TopicSpec[] {
  const specs: TopicSpec[] = [];
  for (const spec of Object.values(TOPICS) as TopicSpec[]) {
    specs.push(spec);
    if (spec.hasDeadLetter) {
      specs.push({
        name: deadLetterTopicName(spec.name),
        key: spec.key,
        payload: spec.payload,
        partitions: 1,
        cleanupPolicy: 'delete',
        retentionMs: 30 * DAY_MS,
        hasDeadLetter: false,
      });
    }
  }
  return specs;
}

/**
 * Topic names for one deployment. A prefix isolates test runs (and could isolate tenants) on one cluster;
 * production uses the empty prefix.
 */
export function topicNames(prefix = ''): { readonly [K in TopicKey]: string } {
  const names = {} as { [K in TopicKey]: string };
  for (const [key, spec] of Object.entries(TOPICS) as Array<[TopicKey, TopicSpec]>) names[key] = `${prefix}${spec.name}`;
  return names;
}
