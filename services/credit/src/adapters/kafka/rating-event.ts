import { CreditColour, CreditRatingChanged, RatingChangeKind } from '@ecogrid/proto/credit/v1/events';
import { TOPICS } from '@ecogrid/kafka';
import type { StoredRating } from '../../app/ports';
import type { Colour } from '../../domain/ruleset';

export const COLOUR: Record<Colour, CreditColour> = {
  green: CreditColour.CREDIT_COLOUR_GREEN,
  blue: CreditColour.CREDIT_COLOUR_BLUE,
  yellow: CreditColour.CREDIT_COLOUR_YELLOW,
  red: CreditColour.CREDIT_COLOUR_RED,
  black: CreditColour.CREDIT_COLOUR_BLACK,
};

export const COLOUR_OF_WIRE: Partial<Record<CreditColour, Colour>> = Object.fromEntries(Object.entries(COLOUR).map(([colour, wire]) => [wire, colour as Colour]));

const CHANGE: Record<StoredRating['changeKind'], RatingChangeKind> = {
  dynamic: RatingChangeKind.RATING_CHANGE_KIND_DYNAMIC,
  period_close: RatingChangeKind.RATING_CHANGE_KIND_PERIOD_CLOSE,
  restoration: RatingChangeKind.RATING_CHANGE_KIND_RESTORATION,
};

/** A stored rating as the wire message of ecogrid.credit.v1 and of the RPC answers; reasons and measures in zh-CN. */
export function ratingMessage(rating: StoredRating): CreditRatingChanged {
  return CreditRatingChanged.fromPartial({
    enterpriseUscc: rating.uscc,
    colour: COLOUR[rating.colour],
    score: rating.score,
    rulesetVersion: rating.rulesetVersion,
    ratedAt: rating.ratedAt,
    vetoed: rating.vetoed,
    reason: rating.reason.zh,
    level: rating.level,
    rulesetId: rating.rulesetId,
    period: rating.period,
    changeKind: CHANGE[rating.changeKind],
    previousColour: rating.previousColour ? COLOUR[rating.previousColour] : CreditColour.CREDIT_COLOUR_UNSPECIFIED,
    evidenceCount: rating.evidenceCount,
    causedByRecordId: rating.causedByRecordId,
    jointPunishment: rating.jointPunishment,
    jointMeasures: rating.jointMeasures.map((measure) => measure.zh),
    enterpriseName: rating.enterpriseName,
    ledgerSequence: rating.ledgerSequence,
    reasonEn: rating.reason.en,
    jointMeasuresEn: rating.jointMeasures.map((measure) => measure.en),
  });
}

export function encodeRating(rating: StoredRating): { type: string; payload: Uint8Array } {
  return { type: TOPICS.credit.payload, payload: CreditRatingChanged.encode(ratingMessage(rating)).finish() };
}
