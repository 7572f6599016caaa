/** One station's latest judgement against its limits. */
export interface StationReadingState {
  /** Data time of the newest reading judged. */
  lastAt: Date;
  above: boolean;
  /** Start of the current run of readings under the limits; null while above. */
  underSince: Date | null;
}

export type RecoveryState = Readonly<Record<string, StationReadingState>>;

export interface StationReading {
  mn: string;
  at: Date;
  /** factor code → value */
  values: Readonly<Record<string, number>>;
}

/**
 * Whether the reading is above any limit the station has. Limits come from the registry's device factors (for the
 * demo's water-source station, the GB 3838 class III values of its factors).
 */
export function readingAbove(reading: StationReading, limits: Readonly<Record<string, number>>): boolean {
  return Object.entries(reading.values).some(([factor, value]) => {
    const limit = limits[factor];
    return limit !== undefined && value > limit;
  });
}

/** Folds one reading into a station's state; an older reading than one already judged changes nothing (late data). */
export function observeReading(state: RecoveryState, reading: StationReading, limits: Readonly<Record<string, number>>): RecoveryState {
  const previous = state[reading.mn];
  if (previous && reading.at.getTime() <= previous.lastAt.getTime()) return state;
  const above = readingAbove(reading, limits);
  const underSince = above ? null : (previous && !previous.above && previous.underSince ? previous.underSince : reading.at);
  return { ...state, [reading.mn]: { lastAt: reading.at, above, underSince } };
}

/**
 * Since when every station has been under its limits: the latest of their runs' starts; null when a station is
 * above or has not reported since the incident began.
 */
export function recoveredSince(state: RecoveryState, stationMns: readonly string[]): Date | null {
  let since: Date | null = null;
  for (const mn of stationMns) {
    const station = state[mn];
    if (!station || station.above || !station.underSince) return null;
    if (!since || station.underSince.getTime() > since.getTime()) since = station.underSince;
  }
  return since;
}
