import type { PasswordVerifier } from '@ecogrid/device-credentials';
import type { CpEncryption } from '@ecogrid/standards';
import type { DeviceProfile } from '../domain/device-access';
import type { Observation, ObservationSource } from '../domain/observation';
import type { DeviceStatusReport } from '../domain/device-status';
import type { DeviceCommand } from '../domain/device-command';
import type { Backfill } from '../domain/backfill';
import type { RecordTally } from '../domain/transmission-rate';

/** Where accepted observations go. `record` resolves only once they are durably stored (Kafka acked). */
export interface ObservationSink {
  record(observations: Observation[]): Promise<void>;
}

/** Where device status reports go (the compacted status topic). `report` resolves once Kafka has them. */
export interface StatusSink {
  report(reports: DeviceStatusReport[]): Promise<void>;
}

/** Something that was refused, with its raw bytes so nothing is lost. */
export interface Rejection {
  reasonCode: string;
  detail: string;
  raw: Buffer;
  deviceMn?: string;
  source: ObservationSource;
  receivedTime: Date;
  remoteAddress?: string;
}

/** Where refused input goes (the rejected-readings topic). */
export interface RejectionSink {
  reject(rejections: Rejection[]): Promise<void>;
}

/** Registered devices, as the registry view knows them. */
export interface DeviceDirectory {
  profile(mn: string): DeviceProfile | undefined;
}

/**
 * Devices' HJ 212-2025 SM4 keys (§6.4): the registry's, unwrapped with the platform's key-encryption keys, and the
 * 1014 rotations this instance runs. Keys are bytes in memory only; they are stored and published only sealed
 * (wrapped with a KEK).
 */
export interface DeviceKeys {
  /** Whether any device key can be opened here (key-encryption keys configured): without, frames are not even looked at for encryption. */
  readonly active: boolean;
  /**
   * What the device's encrypted frames open with: its current key, then the one a rotation replaced while its grace
   * window lasts, then a key a 1014 in flight is handing over. Undefined for a device without a key.
   */
  incoming(mn: string): CpEncryption | undefined;
  /** What frames to the device are encrypted with: its current key only. */
  outgoing(mn: string): CpEncryption | undefined;
  /** A new key for a 1014, sealed for this device: the one given (16 characters) or a fresh one. Throws when none can be made. */
  seal(mn: string, given?: string): string;
  /** The 16 characters of a sealed key, for the 1014 frame; undefined when it does not open. */
  open(mn: string, sealed: string): string | undefined;
  /** A 1014 handing over `sealed` went out: frames under it open too, until the command settles. */
  rotationSent(mn: string, sealed: string): void;
  /** The device confirmed the 1014 (9012 ExeRtn=1): `sealed` is its key from now on, the old one accepted for the grace window. */
  rotationConfirmed(mn: string, sealed: string, at: Date): void;
  /** The 1014 ended otherwise (refused, failed, timed out): the device keeps its key. */
  rotationAbandoned(mn: string): void;
}

/**
 * What ingest remembers between frames: which observations are already stored (devices re-send after a
 * lost reply) and each device's latest values for the console. Best effort: when it is unavailable the
 * platform keeps ingesting, and downstream consumers recognise repeats by observation id.
 */
export interface ObservationMemory {
  /** For each id, whether it was already stored. */
  known(ids: readonly string[]): Promise<boolean[]>;
  /** Marks observations stored and records their values as the latest of their device. */
  remember(observations: readonly Observation[]): Promise<void>;
}

export type { Clock } from '@ecogrid/service-kit';

/** Counts what cannot be seen otherwise; metrics in production, a plain object in tests. */
export interface IngestCounters {
  memoryUnavailable(): void;
  duplicate(source: ObservationSource): void;
  /** How a device authentication ended; `failed` and `verified` are the ones that ran scrypt. */
  authentication(outcome: 'remembered' | 'verified' | 'failed' | 'throttled'): void;
}

/** Checks a device password against its verifier, remembering successes (`@ecogrid/device-credentials`). */
export interface CredentialChecker {
  /** True when this (MN, password) was verified against this verifier a short while ago: no scrypt, no throttle. */
  remembered(mn: string, verifier: PasswordVerifier | undefined, password: string): boolean;
  /** The full check; an unknown MN (verifier undefined) costs as long and fails. */
  check(mn: string, verifier: PasswordVerifier | undefined, password: string): Promise<boolean>;
}

/** Who an attempt comes from: the peer address (no port) and the MN it claims. */
export interface AuthAttempt {
  address: string;
  mn: string;
}

/**
 * Throttling shared by every device surface. Failure counts live in Redis so every ingest instance sees them;
 * rates of frames and rejections are counted per instance (a Redis round trip per frame would cost throughput,
 * and a connection stays on one instance).
 */
export interface DeviceThrottle {
  /** Before authentication: whether this address may send one more frame or request now. */
  admitAddress(address: string): Promise<boolean>;
  /**
   * Whether an authentication attempt may run the password check: not once this address has had too many
   * failures in the window, nor when this (address, MN) pair, or this MN from anywhere, has had too many attempts —
   * the MN's count not for an address this MN recently authenticated from, so strangers guessing a device's
   * password cannot lock the device out. The pair's and the MN's attempts are counted here, before the check
   * (atomically, in Redis), so concurrent guesses cannot all pass one count before any failure is recorded.
   */
  admitAuthentication(attempt: AuthAttempt): Promise<boolean>;
  /** The check failed: counts against the address. */
  authenticationFailed(attempt: AuthAttempt): Promise<void>;
  /** The attempt was the device's: the MN's count is given back, the pair's cleared, the address trusted for the MN. */
  authenticationSucceeded(attempt: AuthAttempt): Promise<void>;
  /** After authentication: whether this device may send one more now. */
  admitDevice(mn: string): Promise<boolean>;
}

/** A change to a stored command: the command as it should be stored next, or null to leave it as it is. */
export type CommandChange = (command: DeviceCommand) => DeviceCommand | null;

/**
 * Device commands as stored (PostgreSQL), every change published with it (the outbox to ecogrid.devices.commands.v1).
 * A change applies only to the row as it was read (another change first: it is worked out again on a fresh read), so
 * instances and the sweep cannot overwrite each other.
 */
export interface CommandStore {
  /** Stores a new queued command unless its device already has `maxQueued` waiting; false when full. */
  add(command: DeviceCommand, maxQueued: number): Promise<boolean>;
  /** The device's oldest queued command still within its queueing time, changed (to sent) with it. */
  claimNext(deviceMn: string, at: Date, change: CommandChange): Promise<DeviceCommand | undefined>;
  /** Applies `change` to the stored command; the stored result, or undefined when it did not change (or is unknown). */
  update(id: string, change: CommandChange): Promise<DeviceCommand | undefined>;
  get(id: string): Promise<DeviceCommand | undefined>;
  /** A device's commands, newest first, after the given one. */
  list(deviceMn: string, limit: number, after?: { createdTime: Date; id: string }): Promise<DeviceCommand[]>;
  /** Ids of queued commands past their queueing time and in-flight ones past their deadline by more than `graceMs`. */
  overdue(at: Date, graceMs: number, limit: number): Promise<string[]>;
  /** Devices with commands waiting to be sent. */
  queuedDevices(limit: number): Promise<string[]>;
}

/**
 * Back-fills as stored (PostgreSQL). A device has at most one requested at a time: its history requests are device
 * commands, which run one per device anyway, and a queue of them would only crowd out the operators' commands.
 */
export interface BackfillStore {
  /** Stores new pending back-fills. */
  open(backfills: readonly Backfill[]): Promise<void>;
  /**
   * The device's newest pending back-fill due by `at`, marked requested (one attempt more, with this command id) —
   * unless one of the device's back-fills is already requested. Atomic across instances.
   */
  claimNext(deviceMn: string, at: Date, commandId: string): Promise<Backfill | undefined>;
  /** Requested back-fills, least recently changed first. */
  requested(limit: number): Promise<Backfill[]>;
  /** Devices with a pending back-fill due by `at` and none requested. */
  dueDevices(at: Date, limit: number): Promise<string[]>;
  /** Stores the settled back-fill if it is still requested under the same command; false when someone else settled it. */
  settle(backfill: Backfill, commandId: string): Promise<boolean>;
  /** A device's back-fills, newest first. */
  list(deviceMn: string, limit: number): Promise<Backfill[]>;
}

/** The newest DataTime ingest has stored for a device, across its data uploads; undefined when it knows none. */
export interface LastDataTimes {
  newest(deviceMn: string): Promise<Date | undefined>;
}

/** One stored minute or hour record as transmission rates count it. */
export interface TransmissionRecord {
  observationId: string;
  deviceMn: string;
  enterpriseUscc: string;
  commandCode: '2051' | '2061';
  dataTime: Date;
  flagClass: 'valid' | 'invalid';
  onTime: boolean;
  resend: boolean;
  receivedTime: Date;
}

/** What a published day carries, ready for the outbox. */
export interface TransmissionEvent {
  key: string;
  payload: Uint8Array;
  id: string;
  time: Date;
}

/** The records transmission rates are computed from (PostgreSQL), and the days already published. */
export interface TransmissionLedger {
  /** Stores the records; one already stored (same observation id) is left as it is. */
  record(records: readonly TransmissionRecord[]): Promise<void>;
  /** Received, on time and valid records of a device and command with DataTime in [start, end). */
  tally(deviceMn: string, commandCode: '2051' | '2061', start: Date, end: Date): Promise<Omit<RecordTally, 'expected'>>;
  /** The same for every device with records in [start, end), by MN. */
  tallies(commandCode: '2051' | '2061', start: Date, end: Date): Promise<Map<string, Omit<RecordTally, 'expected'>>>;
  /** Devices whose records were stored under this enterprise. */
  devicesOf(enterpriseUscc: string): Promise<string[]>;
  /** Every device with records, and its enterprise. */
  allDevices(): Promise<Array<{ deviceMn: string; enterpriseUscc: string }>>;
  /** Forgets records with a data time before `before`; how many. */
  prune(before: Date): Promise<number>;
  /** Whether this Beijing day was published. */
  published(day: string): Promise<boolean>;
  /** Marks the day published and queues its events in one transaction; false (nothing queued) when another instance did. */
  publishDay(day: string, events: readonly TransmissionEvent[], counts: { devices: number; enterprises: number }, at: Date): Promise<boolean>;
}
