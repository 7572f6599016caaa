import type { ServerUnaryCall } from '@grpc/grpc-js';
import {
  CreditServiceService,
  EvidenceKind,
  type ClosePeriodRequest,
  type ClosePeriodResponse,
  type ExplainRatingRequest,
  type ExplainRatingResponse,
  type FileObjectionRequest,
  type FileObjectionResponse,
  type GetRatingRequest,
  type GetRatingResponse,
  type ListPublicRatingsRequest,
  type ListPublicRatingsResponse,
  type ListRatingsRequest,
  type ListRatingsResponse,
  type RecordEvidenceRequest,
  type RecordEvidenceResponse,
  type RecordPenaltyRequest,
  type RecordPenaltyResponse,
  type ResolveObjectionRequest,
  type ResolveObjectionResponse,
  type RestoreRatingRequest,
  type RestoreRatingResponse,
  type ReviewRestorationRequest,
  type ReviewRestorationResponse,
  type VerifyLedgerRequest,
  type VerifyLedgerResponse,
} from '@ecogrid/proto/credit/v1/credit';
import { CreditColour } from '@ecogrid/proto/credit/v1/events';
import { principalOf, unaryHandler, type GrpcServiceBinding } from '@ecogrid/grpc';
import { DomainError, invalidArgument } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';
import type { Actor, CreditApp } from '../../app';
import type { ManualEvidenceInput } from '../../app/record-manual-evidence';
import { COLOUR, COLOUR_OF_WIRE, ratingMessage } from '../kafka/rating-event';

const actorOf = (call: ServerUnaryCall<unknown, unknown>): Actor => {
  const principal = principalOf(call);
  if (!principal) throw new DomainError('UNAUTHENTICATED', 'a staff token is required', { reason: 'no_principal' });
  return { subject: principal.subject, role: principal.role };
};

const EVIDENCE_KIND: Partial<Record<EvidenceKind, ManualEvidenceInput['kind']>> = {
  [EvidenceKind.EVIDENCE_KIND_INSPECTION]: 'inspection',
  [EvidenceKind.EVIDENCE_KIND_VERIFIED_COMPLAINT]: 'complaint',
  [EvidenceKind.EVIDENCE_KIND_VETO_EVENT]: 'veto_event',
  [EvidenceKind.EVIDENCE_KIND_MONITORING_COMPLETENESS]: 'monitoring_completeness',
};

const INVALID_DATE = new Date(Number.NaN);

/** CreditService over the use cases; answers carry the same rating message as ecogrid.credit.v1. */
export function creditGrpcService(app: CreditApp, logger: Logger): GrpcServiceBinding {
  const log = logger.child({ module: 'grpc' });
  const rating = (value: Parameters<typeof ratingMessage>[0] | undefined) => (value ? ratingMessage(value) : undefined);
  return {
    definition: CreditServiceService,
    name: 'ecogrid.credit.v1.CreditService',
    implementation: {
      getRating: unaryHandler<GetRatingRequest, GetRatingResponse>('GetRating', log, async (request) => ({ rating: ratingMessage(await app.getRating(request.enterpriseUscc)) })),
      listRatings: unaryHandler<ListRatingsRequest, ListRatingsResponse>('ListRatings', log, async (request) => {
        const colour = request.colour === CreditColour.CREDIT_COLOUR_UNSPECIFIED ? undefined : COLOUR_OF_WIRE[request.colour];
        if (request.colour !== CreditColour.CREDIT_COLOUR_UNSPECIFIED && !colour) throw invalidArgument('colour', `unknown colour ${request.colour}`);
        const page = await app.listRatings({ pageSize: request.pageSize, pageToken: request.pageToken, ...(colour ? { colour } : {}) });
        return { ratings: page.ratings.map(ratingMessage), nextPageToken: page.nextPageToken };
      }),
      explainRating: unaryHandler<ExplainRatingRequest, ExplainRatingResponse>('ExplainRating', log, async (request) => {
        const { rating: stored, explanation } = await app.explainRating(request.enterpriseUscc);
        const application = (item: { ruleId: string; ruleText: { zh: string; en: string }; points: number; recordIds: string[] }) => ({ ruleId: item.ruleId, ruleText: item.ruleText.zh, ruleTextEn: item.ruleText.en, points: item.points, recordIds: item.recordIds });
        return {
          rating: ratingMessage(stored),
          indicators: explanation.indicators.map((indicator) => ({
            indicator: indicator.id,
            points: indicator.points,
            evidence: indicator.deductions.flatMap((deduction) => deduction.recordIds).join(','),
            name: indicator.name.zh,
            nameEn: indicator.name.en,
            category: indicator.category,
            weight: indicator.weight,
            band: indicator.band,
            deductions: indicator.deductions.map(application),
          })),
          vetoes: explanation.vetoes.map(application),
          excludedRecordIds: explanation.excludedRecordIds,
        };
      }),
      recordPenalty: unaryHandler<RecordPenaltyRequest, RecordPenaltyResponse>('RecordPenalty', log, async (request, call) => {
        const recorded = await app.recordPenalty(
          { uscc: request.enterpriseUscc, decisionNumber: request.decisionNumber, decidedAt: request.decidedAt ?? INVALID_DATE, amountYuan: request.amountYuan, legalBasis: request.legalBasis, summary: request.summary },
          actorOf(call),
        );
        return { rating: rating(recorded.rating), recordId: recorded.recordId };
      }),
      recordEvidence: unaryHandler<RecordEvidenceRequest, RecordEvidenceResponse>('RecordEvidence', log, async (request, call) => {
        const kind = EVIDENCE_KIND[request.kind];
        if (!kind) throw invalidArgument('kind', 'kind is required');
        const recorded = await app.recordEvidence(
          {
            uscc: request.enterpriseUscc,
            kind,
            occurredAt: request.occurredAt ?? INVALID_DATE,
            vetoCode: request.vetoCode,
            violationFound: request.violationFound,
            completenessPercent: request.completenessPercent,
            reference: request.reference,
            summary: request.summary,
          },
          actorOf(call),
        );
        return { rating: rating(recorded.rating), recordId: recorded.recordId };
      }),
      fileObjection: unaryHandler<FileObjectionRequest, FileObjectionResponse>('FileObjection', log, async (request, call) => {
        const filed = await app.fileObjection({ recordId: request.recordId, reason: request.reason }, actorOf(call));
        return { rating: ratingMessage(filed.rating), objectionId: filed.objectionId };
      }),
      resolveObjection: unaryHandler<ResolveObjectionRequest, ResolveObjectionResponse>('ResolveObjection', log, async (request, call) => ({
        rating: ratingMessage(await app.resolveObjection({ objectionId: request.objectionId, upheld: request.upheld, note: request.note }, actorOf(call))),
      })),
      restoreRating: unaryHandler<RestoreRatingRequest, RestoreRatingResponse>('RestoreRating', log, async (request, call) => {
        const answer = await app.applyRestoration({ uscc: request.enterpriseUscc, caseId: request.rectificationCaseId, evidence: request.rectificationEvidence }, actorOf(call));
        return { rating: rating(answer.rating), applicationId: answer.applicationId, conditions: answer.conditions };
      }),
      reviewRestoration: unaryHandler<ReviewRestorationRequest, ReviewRestorationResponse>('ReviewRestoration', log, async (request, call) => {
        const answer = await app.reviewRestoration({ applicationId: request.applicationId, approve: request.approve, note: request.note }, actorOf(call));
        return { rating: rating(answer.rating), conditions: answer.conditions };
      }),
      closePeriod: unaryHandler<ClosePeriodRequest, ClosePeriodResponse>('ClosePeriod', log, async (request, call) => ({ ratingsFrozen: (await app.closePeriod({ period: request.period }, actorOf(call))).frozen })),
      listPublicRatings: unaryHandler<ListPublicRatingsRequest, ListPublicRatingsResponse>('ListPublicRatings', log, async (request) => {
        const list = await app.listPublicRatings({ period: request.period, pageSize: request.pageSize, pageToken: request.pageToken });
        return {
          period: list.period,
          closed: list.closed,
          ratings: list.ratings.map((item) => ({ enterpriseUscc: item.uscc, enterpriseName: item.name, level: item.level, colour: COLOUR[item.colour] })),
          nextPageToken: list.nextPageToken,
        };
      }),
      verifyLedger: unaryHandler<VerifyLedgerRequest, VerifyLedgerResponse>('VerifyLedger', log, async (request) => {
        const verdict = await app.verifyLedger(request.enterpriseUscc || undefined);
        return { intact: verdict.intact, records: verdict.records, broken: verdict.broken.map((link) => ({ enterpriseUscc: link.uscc, sequence: link.sequence, recordId: link.recordId, reason: link.reason })) };
      }),
    },
  };
}
