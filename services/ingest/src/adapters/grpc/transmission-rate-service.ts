import {
  TransmissionRateServiceService,
  type GetDeviceTransmissionRateRequest,
  type GetDeviceTransmissionRateResponse,
  type GetEnterpriseTransmissionRateRequest,
  type GetEnterpriseTransmissionRateResponse,
} from '@ecogrid/proto/ingest/v1/transmission_rate';
import { RateBasis, RatePeriodKind } from '@ecogrid/proto/ingest/v1/events';
import { invalidArgument } from '@ecogrid/domain-errors';
import { unaryHandler, type GrpcServiceBinding } from '@ecogrid/grpc';
import type { Logger } from '@ecogrid/telemetry';
import type { GetTransmissionRates, RateQuery } from '../../app/get-transmission-rates';
import { toProtoDeviceRate, toProtoEnterpriseRate } from '../kafka/transmission-encoding';

const queryOf = (request: { periodKind: RatePeriodKind; period: string; basis: RateBasis }): RateQuery => {
  const kind = request.periodKind === RatePeriodKind.RATE_PERIOD_KIND_DAY ? 'day' : request.periodKind === RatePeriodKind.RATE_PERIOD_KIND_MONTH ? 'month' : undefined;
  if (!kind) throw invalidArgument('period_kind', 'period_kind must be DAY or MONTH', 'missing_field');
  const basis = request.basis === RateBasis.RATE_BASIS_MINUTE ? 'minute' : request.basis === RateBasis.RATE_BASIS_HOUR || request.basis === RateBasis.RATE_BASIS_UNSPECIFIED ? 'hour' : undefined;
  if (!basis) throw invalidArgument('basis', 'basis must be HOUR or MINUTE');
  return { kind, period: request.period, basis };
};

/** TransmissionRateService over the use case; answers carry the same messages as the daily topic. */
export function transmissionRateBinding(deps: { rates: GetTransmissionRates; logger: Logger }): GrpcServiceBinding {
  const logger = deps.logger.child({ module: 'transmission-rate-grpc' });
  return {
    definition: TransmissionRateServiceService,
    name: 'ecogrid.ingest.v1.TransmissionRateService',
    implementation: {
      getDeviceTransmissionRate: unaryHandler<GetDeviceTransmissionRateRequest, GetDeviceTransmissionRateResponse>('GetDeviceTransmissionRate', logger, async (request) => ({
        rate: toProtoDeviceRate(await deps.rates.device(request.deviceMn, queryOf(request))),
      })),
      getEnterpriseTransmissionRate: unaryHandler<GetEnterpriseTransmissionRateRequest, GetEnterpriseTransmissionRateResponse>('GetEnterpriseTransmissionRate', logger, async (request) => ({
        rate: toProtoEnterpriseRate(await deps.rates.enterprise(request.enterpriseUscc, queryOf(request))),
      })),
    },
  };
}
