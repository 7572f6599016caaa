import { chinaDay, expectedRecords, ratePeriod, sumTallies, transmissionRates } from '../domain/transmission-rate';
import type { DeviceRate, EnterpriseRate } from './get-transmission-rates';
import type { Clock, TransmissionEvent, TransmissionLedger } from './ports';

export interface PublishDailyTransmissionRatesDeps {
  ledger: TransmissionLedger;
  clock: Clock;
  hourMs: number;
  encode: { device(rate: DeviceRate): TransmissionEvent; enterprise(rate: EnterpriseRate): TransmissionEvent };
  /** How long after midnight (Beijing) the day is published, so its last hour records have come in. */
  settleMs: number;
  /** Records older than this many days are forgotten once the day is published (a year of monthly assessments and their corrections). */
  keepDays: number;
}

/**
 * Once a Beijing day has ended (and `settleMs` more), its hour-basis rates of every device with records and of every
 * enterprise are published to ecogrid.devices.transmission.v1 through the outbox — by whichever instance gets there
 * first, once: the day is marked in the same transaction as its events are queued.
 */
export function createPublishDailyTransmissionRates(deps: PublishDailyTransmissionRatesDeps) {
  return async function publishDue(): Promise<{ day: string; devices: number; enterprises: number; pruned: number } | undefined> {
    const at = deps.clock.now();
    const day = chinaDay(new Date(at.getTime() - deps.settleMs - 86_400_000));
    if (await deps.ledger.published(day)) return undefined;
    const period = ratePeriod('day', day);
    if (!period) return undefined;
    const devices = await deps.ledger.allDevices();
    // Nothing recorded yet (a new deployment): the day is left unmarked, to be published once there is something.
    if (devices.length === 0) return undefined;
    const tallies = await deps.ledger.tallies('2061', period.start, period.end);
    const expected = expectedRecords(period, deps.hourMs, at);
    const none = { received: 0, receivedOnTime: 0, valid: 0 };
    const query = { kind: 'day' as const, period: day, basis: 'hour' as const };
    const deviceRates: DeviceRate[] = devices.map(({ deviceMn, enterpriseUscc }) => ({
      ...query,
      deviceMn,
      enterpriseUscc,
      rates: transmissionRates({ ...(tallies.get(deviceMn) ?? none), expected }),
      computedTime: at,
    }));
    const byEnterprise = new Map<string, DeviceRate[]>();
    for (const rate of deviceRates) {
      if (!rate.enterpriseUscc) continue;
      byEnterprise.set(rate.enterpriseUscc, [...(byEnterprise.get(rate.enterpriseUscc) ?? []), rate]);
    }
    const enterpriseRates: EnterpriseRate[] = [...byEnterprise].map(([enterpriseUscc, rates]) => ({
      ...query,
      enterpriseUscc,
      rates: transmissionRates(sumTallies(rates.map((rate) => rate.rates))),
      devices: rates,
      computedTime: at,
    }));
    const events = [...deviceRates.map(deps.encode.device), ...enterpriseRates.map(deps.encode.enterprise)];
    const counts = { devices: deviceRates.length, enterprises: enterpriseRates.length };
    if (!(await deps.ledger.publishDay(day, events, counts, at))) return undefined;
    const pruned = await deps.ledger.prune(new Date(period.start.getTime() - deps.keepDays * 86_400_000));
    return { day, ...counts, pruned };
  };
}

export type PublishDailyTransmissionRates = ReturnType<typeof createPublishDailyTransmissionRates>;
