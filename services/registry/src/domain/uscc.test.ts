import { describe, expect, it } from 'vitest';
import { validateUscc, withUsccCheckCharacter } from './uscc';

// The check itself is tested in @ecogrid/standards; this covers what the import adds: normalising what
// people type and a sentence for the import report.
describe('validateUscc for imports', () => {
  it('accepts a real code typed with spaces or in lower case', () => {
    expect(validateUscc(' 9144030071526726xg ')).toEqual({ valid: true, code: '9144030071526726XG' });
  });

  it.each([
    ['91440300', 'bad_length', /18 characters, not 8/],
    ['9144030019220382I6', 'bad_charset', /character 17 \(I\) is not allowed/],
    ['91110108717809965C', 'bad_check_character', /should be .+, not C/],
  ])('refuses %s as %s with a sentence that says why', (code, reason, message) => {
    const result = validateUscc(code);
    expect(result).toMatchObject({ valid: false, reason });
    expect(!result.valid && result.message).toMatch(message);
  });

  it('completes a code with its check character', () => {
    expect(withUsccCheckCharacter('91440300192203821')).toBe('914403001922038216');
  });
});
