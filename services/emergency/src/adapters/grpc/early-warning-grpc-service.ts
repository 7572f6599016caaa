import {
  EarlyWarningServiceService,
  type GetEarlyWarningEvaluationRequest,
  type GetEarlyWarningEvaluationResponse,
  type GetSeriesForecastRequest,
  type GetSeriesForecastResponse,
  type ListEarlyWarningsRequest,
  type ListEarlyWarningsResponse,
} from '@ecogrid/proto/emergency/v1/early_warning';
import { unaryHandler, type GrpcServiceBinding } from '@ecogrid/grpc';
import type { Logger } from '@ecogrid/telemetry';
import type { ReadEarlyWarnings } from '../../app/early-warning/read-early-warnings';
import { forecastMessage, warningMessage } from '../kafka/early-warning-events';

/** EarlyWarningService over the read side; the messages are the ones on ecogrid.emergency.v1. */
export function earlyWarningGrpcService(read: ReadEarlyWarnings, logger: Logger): GrpcServiceBinding {
  const log = logger.child({ module: 'grpc-early-warning' });
  return {
    definition: EarlyWarningServiceService,
    name: 'ecogrid.emergency.v1.EarlyWarningService',
    implementation: {
      listEarlyWarnings: unaryHandler<ListEarlyWarningsRequest, ListEarlyWarningsResponse>('ListEarlyWarnings', log, async (request) => {
        const page = await read.listWarnings({ activeOnly: request.activeOnly, deviceMn: request.deviceMn, pageSize: request.pageSize, pageToken: request.pageToken });
        return { warnings: page.warnings.map(warningMessage), nextPageToken: page.nextPageToken };
      }),
      getSeriesForecast: unaryHandler<GetSeriesForecastRequest, GetSeriesForecastResponse>('GetSeriesForecast', log, async (request) => {
        const found = await read.seriesForecast(request.seriesId);
        return { forecast: found.forecast ? forecastMessage(found.forecast) : undefined, activeWarningId: found.activeWarningId ?? '' };
      }),
      getEarlyWarningEvaluation: unaryHandler<GetEarlyWarningEvaluationRequest, GetEarlyWarningEvaluationResponse>('GetEarlyWarningEvaluation', log, async () => {
        const figures = await read.evaluation();
        return {
          evaluatedAt: figures.evaluatedAt,
          horizonMinutes: figures.horizonMinutes,
          minLeadMinutes: figures.minLeadMinutes,
          sets: figures.sets.map((set) => ({
            name: set.name,
            description: set.description,
            series: set.series,
            crossings: set.crossings,
            hits: set.hits,
            hitRate: set.hitRate ?? 0,
            warnings: set.warnings,
            falseAlarms: set.falseAlarms,
            falseAlarmRate: set.falseAlarmRate ?? 0,
            leadCount: set.leadCount,
            leadP10Minutes: set.leadP10Minutes ?? 0,
            leadP50Minutes: set.leadP50Minutes ?? 0,
            leadP90Minutes: set.leadP90Minutes ?? 0,
          })),
        };
      }),
    },
  };
}
