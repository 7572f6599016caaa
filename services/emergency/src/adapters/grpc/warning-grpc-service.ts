import type { ServerUnaryCall } from '@grpc/grpc-js';
import {
  ReductionListFormat,
  type WarningLevel,
  WarningServiceService,
  type ChangeWarningLevelRequest,
  type ChangeWarningLevelResponse,
  type GetEpisodeEvaluationRequest,
  type GetEpisodeEvaluationResponse,
  type GetReductionListRequest,
  type GetReductionListResponse,
  type GetWarningRequest,
  type GetWarningResponse,
  type ImportReductionListRequest,
  type ImportReductionListResponse,
  type IssueWarningRequest,
  type IssueWarningResponse,
  type LiftWarningRequest,
  type LiftWarningResponse,
  type ListObligationsRequest,
  type ListObligationsResponse,
  type ListWarningsRequest,
  type ListWarningsResponse,
  type RecordAqiForecastRequest,
  type RecordAqiForecastResponse,
} from '@ecogrid/proto/emergency/v1/warnings';
import { principalOf, unaryHandler, type GrpcServiceBinding } from '@ecogrid/grpc';
import { DomainError, invalidArgument } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';
import type { Actor, WarningsApp } from '../../app/warnings';
import type { WarningLevel as Level } from '../../domain/warnings/warning-level';
import { entryMessage, evaluationMessage, LEVEL_OF_WIRE, OBLIGATION_STATUS_OF_WIRE, obligationMessage, warningMessage } from '../kafka/warning-wire';

const actorOf = (call: ServerUnaryCall<unknown, unknown>): Actor => {
  const principal = principalOf(call);
  if (!principal) throw new DomainError('UNAUTHENTICATED', 'a staff token is required', { reason: 'no_principal' });
  return { subject: principal.subject, role: principal.role };
};

function levelOf(wire: WarningLevel, field = 'level'): Level {
  const level = LEVEL_OF_WIRE[wire];
  if (!level) throw invalidArgument(field, `请指定预警级别：黄色、橙色或红色 (level must be yellow, orange or red)`, 'unknown_level');
  return level;
}

function required(value: string, field: string): string {
  if (!value.trim()) throw invalidArgument(field, `${field} is required`, 'missing_field');
  return value;
}

/** WarningService over the warning use cases. */
export function warningGrpcService(app: WarningsApp, logger: Logger): GrpcServiceBinding {
  const log = logger.child({ module: 'grpc-warnings' });
  return {
    definition: WarningServiceService,
    name: 'ecogrid.emergency.v1.WarningService',
    implementation: {
      importReductionList: unaryHandler<ImportReductionListRequest, ImportReductionListResponse>('ImportReductionList', log, async (request, call) => {
        const format = request.format === ReductionListFormat.REDUCTION_LIST_FORMAT_CSV ? 'csv' : request.format === ReductionListFormat.REDUCTION_LIST_FORMAT_JSON ? 'json' : undefined;
        if (!format) throw invalidArgument('format', '请指定清单格式 CSV 或 JSON (format must be CSV or JSON)', 'unknown_format');
        const list = await app.importReductionList({ year: request.year, format, content: request.content }, actorOf(call));
        return { year: list.year, version: list.version, enterpriseCount: list.entries.length, measureCount: list.entries.reduce((count, entry) => count + Object.keys(entry.measures).length, 0) };
      }),
      getReductionList: unaryHandler<GetReductionListRequest, GetReductionListResponse>('GetReductionList', log, async (request) => {
        const list = await app.getReductionList(request.year);
        return { year: list.year, version: list.version, entries: list.entries.map(entryMessage) };
      }),
      issueWarning: unaryHandler<IssueWarningRequest, IssueWarningResponse>('IssueWarning', log, async (request, call) => ({
        warning: warningMessage(await app.issueWarning({ level: levelOf(request.level), ...(request.startsAt ? { startsAt: request.startsAt } : {}), ...(request.expectedEndAt ? { expectedEndAt: request.expectedEndAt } : {}), reason: request.reason, drill: request.drill }, actorOf(call))),
      })),
      changeWarningLevel: unaryHandler<ChangeWarningLevelRequest, ChangeWarningLevelResponse>('ChangeWarningLevel', log, async (request, call) => ({
        warning: warningMessage(await app.changeWarningLevel({ warningId: required(request.warningId, 'warning_id'), level: levelOf(request.level), ...(request.expectedEndAt ? { expectedEndAt: request.expectedEndAt } : {}), reason: request.reason }, actorOf(call))),
      })),
      liftWarning: unaryHandler<LiftWarningRequest, LiftWarningResponse>('LiftWarning', log, async (request, call) => {
        const { warning, evaluation } = await app.liftWarning({ warningId: required(request.warningId, 'warning_id'), reason: request.reason }, actorOf(call));
        return { warning: warningMessage(warning), evaluation: evaluationMessage(evaluation) };
      }),
      recordAqiForecast: unaryHandler<RecordAqiForecastRequest, RecordAqiForecastResponse>('RecordAqiForecast', log, async (request, call) => {
        const warning = await app.recordAqiForecast({ day: request.day, aqi: request.aqi }, actorOf(call));
        return warning ? { warning: warningMessage(warning) } : {};
      }),
      getWarning: unaryHandler<GetWarningRequest, GetWarningResponse>('GetWarning', log, async (request) => ({ warning: warningMessage(await app.getWarning(required(request.warningId, 'warning_id'))) })),
      listWarnings: unaryHandler<ListWarningsRequest, ListWarningsResponse>('ListWarnings', log, async (request) => {
        const page = await app.listWarnings({ pageSize: request.pageSize, pageToken: request.pageToken });
        return { warnings: page.warnings.map(warningMessage), nextPageToken: page.next ?? '' };
      }),
      listObligations: unaryHandler<ListObligationsRequest, ListObligationsResponse>('ListObligations', log, async (request) => {
        const status = request.status ? OBLIGATION_STATUS_OF_WIRE[request.status] : undefined;
        if (request.status && !status) throw invalidArgument('status', `unknown obligation status ${request.status}`, 'unknown_status');
        const obligations = await app.listObligations({ warningId: required(request.warningId, 'warning_id'), ...(request.enterpriseUscc ? { uscc: request.enterpriseUscc } : {}), ...(status ? { status } : {}) });
        return { obligations: obligations.map(obligationMessage) };
      }),
      getEpisodeEvaluation: unaryHandler<GetEpisodeEvaluationRequest, GetEpisodeEvaluationResponse>('GetEpisodeEvaluation', log, async (request) => ({ evaluation: evaluationMessage(await app.getEvaluation(required(request.warningId, 'warning_id'))) })),
    },
  };
}
