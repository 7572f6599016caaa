/** One measured value of a device's newest observation. */
export interface LatestValue {
  factorCode: string;
  /** HJ 212 value kind in lower case: `rtd`, `avg`, `zs_rtd` (converted to the reference oxygen), … */
  kind: string;
  value: number;
  unit: string;
  /** HJ 212 data flag (N normal, D fault, …). */
  flag: string;
}

/** What the console knows of a device right now: its connection (from the compacted status topic) and its newest values. */
export interface DeviceState {
  mn: string;
  /** `online`, `offline`, or `unknown` when no connection status was ever reported. */
  connection: 'online' | 'offline' | 'unknown';
  connectionSince: string | null;
  /** Data time of the newest observation, and its values. */
  latestAt: string | null;
  latest: LatestValue[];
}

/**
 * Device states kept in memory: the newest connection status and the newest observation by data time (a back-filled
 * frame with an older data time does not replace newer values).
 */
export class DeviceStates {
  private readonly states = new Map<string, DeviceState>();

  private stateOf(mn: string): DeviceState {
    let state = this.states.get(mn);
    if (!state) {
      state = { mn, connection: 'unknown', connectionSince: null, latestAt: null, latest: [] };
      this.states.set(mn, state);
    }
    return state;
  }

  /** Applies a connection status; returns the changed state, or undefined when nothing changed. */
  connection(mn: string, connection: 'online' | 'offline' | 'unknown', since: Date | undefined): DeviceState | undefined {
    if (!mn) return undefined;
    const state = this.stateOf(mn);
    const at = since ? since.toISOString() : null;
    if (state.connection === connection && state.connectionSince === at) return undefined;
    state.connection = connection;
    state.connectionSince = at;
    return state;
  }

  /** A tombstone of the status topic: the device's connection is no longer known. */
  forgetConnection(mn: string): DeviceState | undefined {
    return this.connection(mn, 'unknown', undefined);
  }

  /** Applies an observation if it is newer than the one held; returns the changed state, or undefined. */
  observation(mn: string, dataTime: Date | undefined, values: LatestValue[]): DeviceState | undefined {
    if (!mn || !dataTime || values.length === 0) return undefined;
    const state = this.stateOf(mn);
    const at = dataTime.toISOString();
    if (state.latestAt !== null && state.latestAt > at) return undefined;
    state.latestAt = at;
    state.latest = values;
    return state;
  }

  all(): DeviceState[] {
    return [...this.states.values()];
  }

  /** Online devices among `registered` (the registry's devices); devices the registry does not list are not counted. */
  onlineRate(registered: readonly string[]): { online: number; registered: number; rate: number | null } {
    const online = registered.filter((mn) => this.states.get(mn)?.connection === 'online').length;
    return { online, registered: registered.length, rate: registered.length === 0 ? null : online / registered.length };
  }
}
