import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { usccCheckCharacter, validateUscc } from './validate-uscc';

/** Real codes published by the companies themselves (STANDARDS.md §7). */
const REAL = ['914403001922038216', '9144030071526726XG', '91440300192317458F', '91110000802100433B', '91440300100012316L'];

describe('validateUscc (GB 32100-2015)', () => {
  it.each(REAL)('accepts the real code %s, also under the GB 11714 check', (code) => {
    expect(validateUscc(code)).toMatchObject({ valid: true, registrationAuthority: '9', entityCategory: '1' });
    expect(validateUscc(code, { checkOrganizationCode: true }).valid).toBe(true);
  });

  it('splits the code into its parts', () => {
    expect(validateUscc('9144030071526726XG')).toEqual({
      valid: true,
      code: '9144030071526726XG',
      registrationAuthority: '9',
      entityCategory: '1',
      divisionCode: '440300',
      organizationCode: '71526726X',
    });
  });

  it.each([
    ['91110108717809965C', 'bad_check_character'],
    ['9133010057462616XH', 'bad_check_character'],
    ['', 'empty'],
    ['91440300192203821', 'bad_length'],
    ['9144030019220382160', 'bad_length'],
    ['91440300192203821I', 'bad_charset'],
    ['9144030019220382O6', 'bad_charset'],
    ['9144030071526726xg', 'bad_charset'],
    ['91A40300192203821X', 'bad_division_code'],
  ])('rejects %s: %s', (code, reason) => {
    expect(validateUscc(code)).toMatchObject({ valid: false, reason });
  });

  it('names the check character it expected', () => {
    expect(validateUscc('914403001922038217')).toMatchObject({ reason: 'bad_check_character', position: 18, expected: '6' });
  });

  it('normalizes only when asked', () => {
    expect(validateUscc(' 9144030071526726xg ', { normalize: true }).valid).toBe(true);
  });

  it('detects any single substituted character and any swap of two different adjacent characters', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    fc.assert(
      fc.property(fc.constantFrom(...REAL), fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 30 }), (code, at, shift) => {
        const chars = code.split('');
        const position = at < 2 || at > 7 ? at : 8; // keep the division code numeric
        chars[position] = alphabet[(alphabet.indexOf(chars[position]!) + shift) % 31]!;
        expect(validateUscc(chars.join('')).valid).toBe(false);
        const swapped = code.split('');
        const left = at === 16 ? 15 : at;
        [swapped[left], swapped[left + 1]] = [swapped[left + 1]!, swapped[left]!];
        if (swapped.join('') !== code) expect(validateUscc(swapped.join('')).valid).toBe(false);
      }),
    );
  });

  it('the check character makes the weighted sum over 18 characters ≡ 0 (mod 31)', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 17, maxLength: 17 }), (values) => {
        const first17 = values.map((value) => alphabet[value]).join('');
        const check = alphabet.indexOf(usccCheckCharacter(first17));
        const sum = values.reduce((total, value, index) => total + value * 3 ** index, 0) + check;
        expect(sum % 31).toBe(0);
      }),
    );
  });
});
