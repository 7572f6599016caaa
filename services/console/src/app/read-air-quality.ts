import type { StaffUser } from '../domain/staff-user';
import type { AirQuality, Clock, StationAqiHour } from './ports';
import type { createReadMapLayers } from './read-map';

export interface StationAirQuality {
  mn: string;
  name: string;
  hours: StationAqiHour[];
}

export interface AirQualityPage {
  from: string;
  to: string;
  stations: StationAirQuality[];
  /** The district's latest hour: the mean AQI of the stations that published it, and the worst category among them. */
  district: { aqi: number | null; categoryLevel: number | null; category: string };
}

const DAY_MS = 24 * 3_600_000;

/** The national air stations' last 24 hours of AQI, and a district summary of their latest hour. */
export function createReadAirQuality(deps: { readMapLayers: ReturnType<typeof createReadMapLayers>; airQuality: AirQuality; clock: Clock }) {
  return async function readAirQuality(user: StaffUser): Promise<AirQualityPage> {
    const to = deps.clock.now();
    const from = new Date(to.getTime() - DAY_MS);
    const stations = (await deps.readMapLayers(user)).devices.filter((device) => device.kind === 'national_air_station');
    const withHours = await Promise.all(stations.map(async (station) => ({ mn: station.mn, name: station.name, hours: await deps.airQuality.stationHours(user, station.mn, from, to) })));
    const latest = withHours.map((station) => station.hours.filter((hour) => hour.publishable).at(-1)).filter((hour): hour is StationAqiHour => hour !== undefined);
    const worst = latest.reduce<StationAqiHour | undefined>((current, hour) => (!current || hour.categoryLevel > current.categoryLevel ? hour : current), undefined);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      stations: withHours,
      district: {
        aqi: latest.length > 0 ? Math.round(latest.reduce((sum, hour) => sum + hour.aqi, 0) / latest.length) : null,
        categoryLevel: worst?.categoryLevel ?? null,
        category: worst?.category ?? '',
      },
    };
  };
}
