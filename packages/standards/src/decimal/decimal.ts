import { StandardsError } from '../standards-error';

/**
 * An exact decimal: `coefficient × 10^-scale`. Concentrations and limits are compared and rounded on this
 * representation because binary floating point turns values such as 2.2 mg/m³ into 2.2000000000000002 and then
 * `ceil` gives the wrong AQI (STANDARDS.md §2.2).
 */
export interface Decimal {
  readonly coefficient: bigint;
  readonly scale: number;
}

export class DecimalInputError extends StandardsError<'invalid_number'> {}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Reads a decimal from a string such as `"2.69700"`, `"-0.041"` or `"1e-7"`, or from a number. A number is read
 * through its shortest round-trip text (`String(2.2)` is `"2.2"`), which is the value the sender meant.
 */
export function toDecimal(input: number | string): Decimal {
  const text = typeof input === 'number' ? numberText(input) : input.trim();
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) throw new DecimalInputError('invalid_number', `not a decimal number: ${JSON.stringify(input)}`);
  const [, sign = '', whole = '', fraction = '', exponentText] = match;
  if (whole.length === 0 && fraction.length === 0) {
    throw new DecimalInputError('invalid_number', `not a decimal number: ${JSON.stringify(input)}`);
  }
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  let coefficient = BigInt(`${whole}${fraction}` || '0');
  let scale = fraction.length - exponent;
  if (scale < 0) {
    coefficient *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (sign === '-') coefficient = -coefficient;
  return { coefficient, scale };
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new DecimalInputError('invalid_number', `not a finite number: ${value}`);
  return String(value);
}

/** The coefficient of `value` expressed at `scale` (which must be ≥ value.scale). */
export function atScale(value: Decimal, scale: number): bigint {
  return value.coefficient * 10n ** BigInt(scale - value.scale);
}

export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const left = atScale(a, scale);
  const right = atScale(b, scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isNegative(value: Decimal): boolean {
  return value.coefficient < 0n;
}

/**
 * GB/T 8170-2008 §3 rounding (进舍规则) to `places` decimals: below 5 drop, above 5 carry, exactly 5 followed
 * only by zeros rounds to the even digit. Negative values round their magnitude (GB/T 8170 §3.2.5).
 */
export function roundGbT8170(value: Decimal, places: number): Decimal {
  if (value.scale <= places) return value;
  const negative = value.coefficient < 0n;
  const magnitude = negative ? -value.coefficient : value.coefficient;
  const divisor = 10n ** BigInt(value.scale - places);
  let quotient = magnitude / divisor;
  const twiceRemainder = (magnitude % divisor) * 2n;
  if (twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n)) quotient += 1n;
  return { coefficient: negative ? -quotient : quotient, scale: places };
}

/** Canonical text of a decimal, keeping its scale (`{ coefficient: 400n, scale: 1 }` → `"40.0"`). */
export function decimalToString(value: Decimal): string {
  const negative = value.coefficient < 0n;
  const digits = (negative ? -value.coefficient : value.coefficient).toString();
  if (value.scale === 0) return `${negative ? '-' : ''}${digits}`;
  const padded = digits.padStart(value.scale + 1, '0');
  const cut = padded.length - value.scale;
  return `${negative ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}

/** Ceiling of `numerator / denominator` for a positive denominator, exactly. */
export function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator > 0n ? quotient + 1n : quotient;
}

/**
 * `(value − reference) / reference` rounded by GB/T 8170 to `places` decimals, as a number: the exceedance
 * multiple (超标倍数) used by GB 3095 and GB 3838 assessments.
 */
export function exceedanceMultiple(value: Decimal, reference: Decimal, places = 2): number {
  const scale = Math.max(value.scale, reference.scale);
  const base = atScale(reference, scale);
  if (base <= 0n) throw new DecimalInputError('invalid_number', 'the reference of an exceedance multiple must be positive');
  const difference = atScale(value, scale) - base;
  return Number(decimalToString(divideGbT8170(difference, base, places)));
}

/** `numerator / denominator` (denominator > 0) rounded by GB/T 8170 to `places` decimals, exactly. */
export function divideGbT8170(numerator: bigint, denominator: bigint, places: number): Decimal {
  const negative = numerator < 0n;
  const magnitude = (negative ? -numerator : numerator) * 10n ** BigInt(places);
  let quotient = magnitude / denominator;
  const twiceRemainder = (magnitude % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  return { coefficient: negative ? -quotient : quotient, scale: places };
}
