import type { ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { AlertingServiceClient, ListAlertsRequest, type ListAlertsResponse } from '@ecogrid/proto/alerting/v1/alerting';
import type { AlertService } from '../../app/ports';
import type { UserTokens } from '../auth/user-tokens';
import { alertView } from '../wire/alert-view';
import { upstreamError } from './upstream-error';

/** Alerting's ListAlerts with the user's own staff token. */
export function createAlertingAlerts(options: { grpcAddress: string; tokens: UserTokens }): AlertService & { close(): void } {
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
    close: () => client.close(),
  };
}
