import { invalidArgument, notFound } from '@ecogrid/domain-errors';
import { expectedRecords, ratePeriod, sumTallies, transmissionRates, type RateBasis, type RatePeriodKind, type RecordTally, type TransmissionRates } from '../domain/transmission-rate';
import type { Clock, DeviceDirectory, TransmissionLedger } from './ports';

export interface RateQuery {
  kind: RatePeriodKind;
  /** `2026-12-06` (day) or `2026-12` (month), Beijing time. */
  period: string;
  basis: RateBasis;
}

export interface DeviceRate extends RateQuery {
  deviceMn: string;
  enterpriseUscc: string;
  rates: TransmissionRates;
  computedTime: Date;
}

export interface EnterpriseRate extends RateQuery {
  enterpriseUscc: string;
  rates: TransmissionRates;
  devices: DeviceRate[];
  computedTime: Date;
}

export interface GetTransmissionRatesDeps {
  ledger: TransmissionLedger;
  devices: DeviceDirectory;
  clock: Clock;
  intervals: { minuteMs: number; hourMs: number };
}

const commandOf = (basis: RateBasis): '2051' | '2061' => (basis === 'minute' ? '2051' : '2061');

/**
 * Transmission rates of a device or an enterprise for a day or month, from the stored records (STANDARDS.md §9.3.1):
 * what is owed is every period of the basis that ended within it — for the current day or month, up to now. An
 * enterprise's devices are those whose records were stored under it (the registry view lists none by enterprise).
 */
export function createGetTransmissionRates(deps: GetTransmissionRatesDeps) {
  const periodOf = (query: RateQuery): { start: Date; end: Date } => {
    const period = ratePeriod(query.kind, query.period.trim());
    if (!period) throw invalidArgument('period', query.kind === 'day' ? 'period must be a day YYYY-MM-DD (Beijing time)' : 'period must be a month YYYY-MM (Beijing time)');
    return period;
  };
  const intervalOf = (basis: RateBasis): number => (basis === 'minute' ? deps.intervals.minuteMs : deps.intervals.hourMs);
  const rateOf = (deviceMn: string, enterpriseUscc: string, query: RateQuery, tally: Omit<RecordTally, 'expected'>, expected: number, at: Date): DeviceRate => ({
    ...query,
    deviceMn,
    enterpriseUscc,
    rates: transmissionRates({ ...tally, expected }),
    computedTime: at,
  });

  return {
    async device(deviceMn: string, query: RateQuery): Promise<DeviceRate> {
      const mn = deviceMn.trim();
      if (!mn) throw invalidArgument('device_mn', 'device_mn is required', 'missing_field');
      const profile = deps.devices.profile(mn);
      if (!profile) throw notFound('device', mn);
      const period = periodOf(query);
      const at = deps.clock.now();
      const tally = await deps.ledger.tally(mn, commandOf(query.basis), period.start, period.end);
      return rateOf(mn, profile.enterpriseUscc, query, tally, expectedRecords(period, intervalOf(query.basis), at), at);
    },
    async enterprise(enterpriseUscc: string, query: RateQuery): Promise<EnterpriseRate> {
      const uscc = enterpriseUscc.trim();
      if (!uscc) throw invalidArgument('enterprise_uscc', 'enterprise_uscc is required', 'missing_field');
      const period = periodOf(query);
      const mns = await deps.ledger.devicesOf(uscc);
      if (mns.length === 0) throw notFound('enterprise', uscc);
      const at = deps.clock.now();
      const expected = expectedRecords(period, intervalOf(query.basis), at);
      const tallies = await deps.ledger.tallies(commandOf(query.basis), period.start, period.end);
      const none = { received: 0, receivedOnTime: 0, valid: 0 };
      const devices = mns.map((mn) => rateOf(mn, uscc, query, tallies.get(mn) ?? none, expected, at));
      return { ...query, enterpriseUscc: uscc, rates: transmissionRates(sumTallies(devices.map((device) => device.rates))), devices, computedTime: at };
    },
  };
}

export type GetTransmissionRates = ReturnType<typeof createGetTransmissionRates>;
