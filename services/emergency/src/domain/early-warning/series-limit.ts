import { standardNormalCdf } from './normal-distribution';

/**
 * What a series must stay within. GB 3838 limits are inclusive (a value equal to the limit meets it), so only a
 * value strictly beyond crosses: above an upper limit (COD, NH3-N, TP, toxic gases), below a lower limit (DO), or
 * outside a range (pH 6–9).
 */
export type SeriesLimit =
  | { readonly kind: 'upper'; readonly value: number }
  | { readonly kind: 'lower'; readonly value: number }
  | { readonly kind: 'range'; readonly low: number; readonly high: number };

export function isBeyondLimit(limit: SeriesLimit, value: number): boolean {
  switch (limit.kind) {
    case 'upper':
      return value > limit.value;
    case 'lower':
      return value < limit.value;
    case 'range':
      return value < limit.low || value > limit.high;
  }
}

/**
 * P(value beyond the limit) for a normal forecast with this mean and standard deviation. With no spread the
 * answer is 0 or 1. For a range both tails add up.
 */
export function probabilityBeyondLimit(limit: SeriesLimit, mean: number, standardDeviation: number): number {
  if (!(standardDeviation > 0)) return isBeyondLimit(limit, mean) ? 1 : 0;
  const above = (threshold: number): number => 1 - standardNormalCdf((threshold - mean) / standardDeviation);
  const below = (threshold: number): number => standardNormalCdf((threshold - mean) / standardDeviation);
  switch (limit.kind) {
    case 'upper':
      return above(limit.value);
    case 'lower':
      return below(limit.value);
    case 'range':
      return Math.min(1, above(limit.high) + below(limit.low));
  }
}

/** For messages and evidence: "≤ 20", "≥ 5", "6–9". */
export function describeLimit(limit: SeriesLimit): string {
  switch (limit.kind) {
    case 'upper':
      return `≤ ${limit.value}`;
    case 'lower':
      return `≥ ${limit.value}`;
    case 'range':
      return `${limit.low}–${limit.high}`;
  }
}
