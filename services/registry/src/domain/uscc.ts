/**
 * GB 32100-2015 unified social credit code check (STANDARDS.md §7).
 * Local stand-in: @ecogrid/standards does not export `validateUscc` yet (packages/standards/src/uscc/ is
 * empty). Same signature as the one agreed for the standards package, so switching is a one-line import change.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type UsccResult = { valid: true; code: string } | { valid: false; reason: string; message: string };

export function validateUscc(input: string): UsccResult {
  const code = input.trim().toUpperCase();
  if (code.length !== 18) return { valid: false, reason: 'bad_length', message: `a USCC has 18 characters, not ${code.length}` };
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(code[i] as string);
    if (value < 0) return { valid: false, reason: 'bad_character', message: `character ${i + 1} (${code[i]}) is not allowed in a USCC` };
    sum += value * (WEIGHTS[i] as number);
  }
  if (!/^[0-9]{6}$/.test(code.slice(2, 8))) return { valid: false, reason: 'bad_division_code', message: 'characters 3–8 must be an administrative division code' };
  const expected = ALPHABET[(31 - (sum % 31)) % 31] as string;
  if (code[17] !== expected) return { valid: false, reason: 'bad_check_character', message: `the check character should be ${expected}, not ${code[17]}` };
  return { valid: true, code };
}

/** Completes 17 characters with their check character (used to make demo codes that pass). */
export function withUsccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i] as string) * (WEIGHTS[i] as number);
  return `${first17}${ALPHABET[(31 - (sum % 31)) % 31]}`;
}
