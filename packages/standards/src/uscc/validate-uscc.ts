/** Why a code is not a valid unified social credit code. */
export type UsccFailure =
  | 'empty'
  /** Not 18 characters. */
  | 'bad_length'
  /** A character outside `0-9 A-H J-N P-R T U W-Y` (I, O, Z, S, V and lower case are excluded). */
  | 'bad_charset'
  /** Positions 3–8 are not six digits (the administrative division code). */
  | 'bad_division_code'
  /** The 18th character is not the GB 32100-2015 check character. */
  | 'bad_check_character'
  /** Positions 9–17 fail the GB 11714 organization-code check (only with `checkOrganizationCode`). */
  | 'bad_organization_code';

export type UsccValidation =
  | {
      valid: true;
      code: string;
      /** Position 1, 登记管理部门代码 (1 机构编制, 5 民政, 9 工商, Y 其他, …). */
      registrationAuthority: string;
      /** Position 2, 机构类别代码 (under 9: 1 企业, 2 个体工商户, 3 农民专业合作社). */
      entityCategory: string;
      /** Positions 3–8, 登记管理机关行政区划码. */
      divisionCode: string;
      /** Positions 9–17, 主体标识码 (组织机构代码). */
      organizationCode: string;
    }
  | {
      valid: false;
      code: string;
      reason: UsccFailure;
      /** 1-based position of the offending character, where one is to blame. */
      position?: number;
      /** The check character the first 17 would require (for `bad_check_character`). */
      expected?: string;
    };

/** GB 32100-2015 §4.2 character set: values 0–30. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** W_i = 3^(i−1) mod 31 (GB 32100-2015 §4.3). */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** GB 11714-1997 organization-code weights for characters 1–8. */
const ORGANIZATION_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The check character GB 32100-2015 §4.3 gives for the first 17 characters (which must be in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index++) sum += ALPHABET.indexOf(first17[index] as string) * (WEIGHTS[index] as number);
  return ALPHABET[(31 - (sum % 31)) % 31] as string;
}

/**
 * Validates a unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters of the GB 32100 alphabet,
 * a six-digit division code, and the check character C18 = 31 − (Σ value × 3^(i−1) mod 31) mod 31.
 * With `checkOrganizationCode`, positions 9–17 must also pass GB 11714 (off by default: the national standard
 * does not require it). Input is taken as is; pass `normalize: true` to trim and upper-case it first.
 */
export function validateUscc(input: string, options: { checkOrganizationCode?: boolean; normalize?: boolean } = {}): UsccValidation {
  const code = options.normalize ? input.trim().toUpperCase() : input;
  if (code.length === 0) return { valid: false, code, reason: 'empty' };
  if (code.length !== 18) return { valid: false, code, reason: 'bad_length' };
  for (let index = 0; index < 18; index++) {
    if (!ALPHABET.includes(code[index] as string)) return { valid: false, code, reason: 'bad_charset', position: index + 1 };
  }
  for (let index = 2; index < 8; index++) {
    const char = code[index] as string;
    if (char < '0' || char > '9') return { valid: false, code, reason: 'bad_division_code', position: index + 1 };
  }
  const expected = usccCheckCharacter(code);
  if (code[17] !== expected) return { valid: false, code, reason: 'bad_check_character', position: 18, expected };
  const organizationCode = code.slice(8, 17);
  if (options.checkOrganizationCode && !isOrganizationCode(organizationCode)) {
    return { valid: false, code, reason: 'bad_organization_code', position: 17 };
  }
  return { valid: true, code, registrationAuthority: code[0] as string, entityCategory: code[1] as string, divisionCode: code.slice(2, 8), organizationCode };
}

/** GB 11714-1997: C9 = 11 − (Σ value × weight mod 11), 10 → X, 11 → 0; digits are values, A = 10 … Z = 35. */
function isOrganizationCode(code: string): boolean {
  let sum = 0;
  for (let index = 0; index < 8; index++) sum += parseInt(code[index] as string, 36) * (ORGANIZATION_WEIGHTS[index] as number);
  const check = 11 - (sum % 11);
  return code[8] === (check === 10 ? 'X' : check === 11 ? '0' : String(check));
}
