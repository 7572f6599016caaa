import { usccCheckCharacter, validateUscc as validateUsccStandard, type UsccFailure } from '@ecogrid/standards';

/** GB 32100-2015 as the standards package implements it, with the sentence the import report shows. */
export type UsccResult = { valid: true; code: string } | { valid: false; reason: UsccFailure; message: string };

const MESSAGES: Record<UsccFailure, (detail: { position?: number; expected?: string; code: string }) => string> = {
  empty: () => 'the USCC is empty',
  bad_length: ({ code }) => `a USCC has 18 characters, not ${code.length}`,
  bad_charset: ({ position, code }) => `character ${position ?? '?'} (${position ? code[position - 1] : ''}) is not allowed in a USCC`,
  bad_division_code: () => 'characters 3–8 must be an administrative division code',
  bad_check_character: ({ expected, code }) => `the check character should be ${expected ?? '?'}, not ${code[17] ?? ''}`,
  bad_organization_code: () => 'characters 9–17 fail the GB 11714 organization-code check',
};

/** Imports trim and upper-case what people type; the check itself is the standard's. */
export function validateUscc(input: string): UsccResult {
  const result = validateUsccStandard(input, { normalize: true });
  if (result.valid) return { valid: true, code: result.code };
  return { valid: false, reason: result.reason, message: MESSAGES[result.reason](result) };
}

/** Completes 17 characters with their check character (used to make demo codes that pass). */
export function withUsccCheckCharacter(first17: string): string {
  return `${first17}${usccCheckCharacter(first17)}`;
}
