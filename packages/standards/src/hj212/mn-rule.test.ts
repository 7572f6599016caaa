import { describe, expect, it } from 'vitest';
import { MN_MAX_LENGTH, mnProblem } from './mn-rule';
import { PUBLIC_FRAMES } from './fixtures/public-frames';

describe('the MN rule shared by the parser and the registry', () => {
  it('accepts the MNs of every public real frame, separators included', () => {
    const mns = PUBLIC_FRAMES.map((entry) => /;MN=([^;]*);/.exec(entry.frame)?.[1]).filter((mn): mn is string => mn !== undefined);
    expect(mns).toContain('JLYP01_AIR01_0001');
    expect(mns.filter((mn) => mnProblem(mn) !== null)).toEqual([]);
  });

  it.each([
    ['', 'an MN is 1–24 characters'],
    ['A'.repeat(MN_MAX_LENGTH + 1), 'an MN is 1–24 characters'],
    ['AB CD', 'an MN holds only visible ASCII characters (no spaces)'],
    ['站点01', 'an MN holds only visible ASCII characters (no spaces)'],
    ['AB;CD', 'an MN may not contain ; = , or &'],
    ['AB=CD', 'an MN may not contain ; = , or &'],
    ['AB,CD', 'an MN may not contain ; = , or &'],
    ['AB&CD', 'an MN may not contain ; = , or &'],
  ])('refuses %j: %s', (mn, problem) => {
    expect(mnProblem(mn)).toBe(problem);
  });

  it('accepts 1 to 24 visible characters', () => {
    expect(mnProblem('1')).toBeNull();
    expect(mnProblem('A'.repeat(MN_MAX_LENGTH))).toBeNull();
    expect(mnProblem('NJ-GDKY_01.q0001')).toBeNull();
  });
});
