import { DeviceTransmissionRate, EnterpriseTransmissionRate, RateBasis, RatePeriodKind, TransmissionRate, TransmissionRateReported } from '@ecogrid/proto/ingest/v1/events';
import type { DeviceRate, EnterpriseRate } from '../../app/get-transmission-rates';
import type { TransmissionEvent } from '../../app/ports';
import type { RateBasis as Basis, RatePeriodKind as Kind, TransmissionRates } from '../../domain/transmission-rate';

export const PERIOD_KINDS: Record<Kind, RatePeriodKind> = { day: RatePeriodKind.RATE_PERIOD_KIND_DAY, month: RatePeriodKind.RATE_PERIOD_KIND_MONTH };
export const BASES: Record<Basis, RateBasis> = { hour: RateBasis.RATE_BASIS_HOUR, minute: RateBasis.RATE_BASIS_MINUTE };

const toProtoRate = (rates: TransmissionRates): TransmissionRate =>
  TransmissionRate.create({
    expected: rates.expected,
    received: rates.received,
    receivedOnTime: rates.receivedOnTime,
    valid: rates.valid,
    ...(rates.transmissionRate === null ? {} : { transmissionRate: rates.transmissionRate }),
    ...(rates.onTimeTransmissionRate === null ? {} : { onTimeTransmissionRate: rates.onTimeTransmissionRate }),
    ...(rates.validityRate === null ? {} : { validityRate: rates.validityRate }),
    ...(rates.effectiveTransmissionRate === null ? {} : { effectiveTransmissionRate: rates.effectiveTransmissionRate }),
  });

export function toProtoDeviceRate(rate: DeviceRate): DeviceTransmissionRate {
  return DeviceTransmissionRate.create({
    deviceMn: rate.deviceMn,
    enterpriseUscc: rate.enterpriseUscc,
    periodKind: PERIOD_KINDS[rate.kind],
    period: rate.period,
    basis: BASES[rate.basis],
    rate: toProtoRate(rate.rates),
    computedTime: rate.computedTime,
  });
}

export function toProtoEnterpriseRate(rate: EnterpriseRate): EnterpriseTransmissionRate {
  return EnterpriseTransmissionRate.create({
    enterpriseUscc: rate.enterpriseUscc,
    periodKind: PERIOD_KINDS[rate.kind],
    period: rate.period,
    basis: BASES[rate.basis],
    rate: toProtoRate(rate.rates),
    devices: rate.devices.map(toProtoDeviceRate),
    computedTime: rate.computedTime,
  });
}

/** A day's rates on ecogrid.devices.transmission.v1; one id per subject and day, so a re-publication is recognised. */
export const transmissionEncoder = {
  device: (rate: DeviceRate): TransmissionEvent => ({
    key: `device/${rate.deviceMn}`,
    payload: TransmissionRateReported.encode({ subject: { $case: 'device', value: toProtoDeviceRate(rate) } }).finish(),
    id: `transmission:${rate.period}:${rate.basis}:device/${rate.deviceMn}`,
    time: rate.computedTime,
  }),
  enterprise: (rate: EnterpriseRate): TransmissionEvent => ({
    key: `enterprise/${rate.enterpriseUscc}`,
    payload: TransmissionRateReported.encode({ subject: { $case: 'enterprise', value: toProtoEnterpriseRate(rate) } }).finish(),
    id: `transmission:${rate.period}:${rate.basis}:enterprise/${rate.enterpriseUscc}`,
    time: rate.computedTime,
  }),
};
