import type { Metadata, ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { CreditServiceClient, ExplainRatingRequest, ListRatingsRequest, type ExplainRatingResponse, type ListRatingsResponse } from '@ecogrid/proto/credit/v1/credit';
import { creditColourToJSON, type CreditRatingChanged } from '@ecogrid/proto/credit/v1/events';
import type { CreditRating, EnterpriseCredit } from '../../app/ports';
import type { StaffUser } from '../../domain/staff-user';
import type { UserTokens } from '../auth/user-tokens';
import { upstreamError } from './upstream-error';

type Callback<Response> = (error: ServiceError | null, response: Response) => void;

function ratingOf(rating: CreditRatingChanged): CreditRating {
  return {
    enterpriseUscc: rating.enterpriseUscc,
    enterpriseName: rating.enterpriseName,
    colour: creditColourToJSON(rating.colour).replace(/^CREDIT_COLOUR_/, '').toLowerCase(),
    level: rating.level,
    score: rating.score,
    vetoed: rating.vetoed,
    reason: rating.reason,
    reasonEn: rating.reasonEn,
    period: rating.period,
    ratedAt: rating.ratedAt ? rating.ratedAt.toISOString() : null,
    jointPunishment: rating.jointPunishment,
  };
}

/** Credit's ListRatings and ExplainRating with the user's own token. */
export function createCreditRatings(options: { grpcAddress: string; tokens: UserTokens }): EnterpriseCredit & { close(): void } {
  const client = createGrpcClient(CreditServiceClient, options.grpcAddress);
  const call = async <Response>(user: StaffUser, invoke: (metadata: Metadata, callback: Callback<Response>) => unknown): Promise<Response> => {
    const metadata = await options.tokens.metadataFor(user);
    return new Promise<Response>((resolve, reject) => invoke(metadata, (error, response) => (error ? reject(upstreamError(error)) : resolve(response))));
  };
  return {
    list: async (user) => {
      const ratings: CreditRating[] = [];
      let pageToken = '';
      do {
        const answer = await call<ListRatingsResponse>(user, (metadata, callback) => client.listRatings(ListRatingsRequest.fromPartial({ pageSize: 500, pageToken }), metadata, callback));
        ratings.push(...answer.ratings.map(ratingOf));
        pageToken = answer.nextPageToken;
      } while (pageToken);
      return ratings;
    },
    explain: async (user, enterpriseUscc) => {
      const answer = await call<ExplainRatingResponse>(user, (metadata, callback) => client.explainRating(ExplainRatingRequest.fromPartial({ enterpriseUscc }), metadata, callback));
      const rule = (application: ExplainRatingResponse['vetoes'][number]) => ({ ruleId: application.ruleId, ruleText: application.ruleText, ruleTextEn: application.ruleTextEn, points: application.points });
      return {
        rating: answer.rating ? ratingOf(answer.rating) : null,
        indicators: answer.indicators.map((indicator) => ({ indicator: indicator.indicator, name: indicator.name, nameEn: indicator.nameEn, points: indicator.points, weight: indicator.weight, deductions: indicator.deductions.map(rule) })),
        vetoes: answer.vetoes.map(rule),
      };
    },
    close: () => client.close(),
  };
}
