import { AlertChanged, AlertKind, StationAqiComputed } from '@ecogrid/proto/alerting/v1/events';
import { AlertingServiceService, type GetStationAqiRequest, type GetStationAqiResponse, type ListAlertsRequest, type ListAlertsResponse } from '@ecogrid/proto/alerting/v1/alerting';
import { unaryHandler, type GrpcServiceBinding } from '@ecogrid/grpc';
import { invalidArgument } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';
import type { GetStationAqi, ListAlerts } from '../../app';
import { alertKindName } from '../kafka/event-encoding';

/** AlertingService over the use cases; answers carry the same messages as the topics. */
export function alertingServiceBinding(deps: { listAlerts: ListAlerts; getStationAqi: GetStationAqi; logger: Logger }): GrpcServiceBinding {
  const logger = deps.logger.child({ module: 'grpc' });
  return {
    definition: AlertingServiceService,
    name: 'ecogrid.alerting.v1.AlertingService',
    implementation: {
      listAlerts: unaryHandler<ListAlertsRequest, ListAlertsResponse>('ListAlerts', logger, async (request) => {
        const kind = request.kind === AlertKind.ALERT_KIND_UNSPECIFIED ? undefined : alertKindName(request.kind);
        if (request.kind !== AlertKind.ALERT_KIND_UNSPECIFIED && kind === undefined) throw invalidArgument('kind', `unknown alert kind ${request.kind}`);
        const page = await deps.listAlerts({
          pageSize: request.pageSize,
          pageToken: request.pageToken,
          openOnly: request.openOnly,
          ...(request.deviceMn ? { deviceMn: request.deviceMn } : {}),
          ...(request.townshipCode ? { townshipCode: request.townshipCode } : {}),
          ...(request.enterpriseUscc ? { enterpriseUscc: request.enterpriseUscc } : {}),
          ...(request.cellId ? { cellId: request.cellId } : {}),
          ...(kind ? { kind } : {}),
        });
        return { alerts: page.alerts.map((payload) => AlertChanged.decode(payload)), nextPageToken: page.nextPageToken };
      }),
      getStationAqi: unaryHandler<GetStationAqiRequest, GetStationAqiResponse>('GetStationAqi', logger, async (request) => {
        const hours = await deps.getStationAqi({ stationMn: request.stationMn, ...(request.from ? { from: request.from } : {}), ...(request.to ? { to: request.to } : {}) });
        return { hours: hours.map((payload) => StationAqiComputed.decode(payload)) };
      }),
    },
  };
}
