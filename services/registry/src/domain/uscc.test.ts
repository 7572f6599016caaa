import { describe, expect, it } from 'vitest';
import { validateUscc, withUsccCheckCharacter } from './uscc';

describe('validateUscc (GB 32100-2015)', () => {
  it.each(['914403001922038216', '9144030071526726XG', '91440300192317458F', '91110000802100433B', '91440300100012316L'])('accepts the real code %s', (code) => {
    expect(validateUscc(code)).toEqual({ valid: true, code });
  });

  it.each(['91110108717809965C', '9133010057462616XH'])('refuses the fabricated code %s by its check character', (code) => {
    expect(validateUscc(code)).toMatchObject({ valid: false, reason: 'bad_check_character' });
  });

  it('refuses wrong lengths and letters outside the alphabet', () => {
    expect(validateUscc('91440300')).toMatchObject({ valid: false, reason: 'bad_length' });
    expect(validateUscc('9144030019220382I6')).toMatchObject({ valid: false, reason: 'bad_character' });
  });

  it('completes a code with its check character', () => {
    expect(withUsccCheckCharacter('91440300192203821')).toBe('914403001922038216');
  });
});
