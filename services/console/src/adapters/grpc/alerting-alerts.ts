import type { ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { AlertingServiceClient, GetStationAqiRequest, ListAlertsRequest, type GetStationAqiResponse, type ListAlertsResponse } from '@ecogrid/proto/alerting/v1/alerting';
import type { AirQuality, AlertService } from '../../app/ports';
import type { UserTokens } from '../auth/user-tokens';
import { alertView } from '../wire/alert-view';
import { upstreamError } from './upstream-error';

/** Alerting's ListAlerts and GetStationAqi with the user's own staff token. */
export function createAlertingAlerts(options: { grpcAddress: string; tokens: UserTokens }): AlertService & AirQuality & { close(): void } {
  const client = createGrpcClient(AlertingServiceClient, options.grpcAddress);
  return {
    list: async (user, filter) => {
      const metadata = await options.tokens.metadataFor(user);
      const request = ListAlertsRequest.fromPartial({ pageSize: 200, openOnly: filter.openOnly ?? false, townshipCode: filter.townshipCode ?? '' });
      const answer = await new Promise<ListAlertsResponse>((resolve, reject) =>
        client.listAlerts(request, metadata, (error: ServiceError | null, response: ListAlertsResponse) => (error ? reject(upstreamError(error)) : resolve(response))),
      );
      return answer.alerts.map(alertView);
    },
    stationHours: async (user, stationMn, from, to) => {
      const metadata = await options.tokens.metadataFor(user);
      const request = GetStationAqiRequest.fromPartial({ stationMn, from, to });
      const answer = await new Promise<GetStationAqiResponse>((resolve, reject) =>
        client.getStationAqi(request, metadata, (error: ServiceError | null, response: GetStationAqiResponse) => (error ? reject(upstreamError(error)) : resolve(response))),
      );
      return answer.hours.map((hour) => ({
        hourStart: hour.hourStart ? hour.hourStart.toISOString() : null,
        aqi: hour.aqi,
        category: hour.category,
        categoryLevel: hour.categoryLevel,
        primaryPollutants: hour.primaryPollutants,
        publishable: hour.publishable,
      }));
    },
    close: () => client.close(),
  };
}
