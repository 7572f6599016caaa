import { describe, expect, it } from 'vitest';
import { SHIPPED_RULESETS } from '../../domain/rulesets';
import { parseRulesetJson } from './ruleset-file';

describe('ruleset files', () => {
  for (const ruleset of SHIPPED_RULESETS) {
    it(`${ruleset.version} survives a round trip through JSON unchanged`, () => {
      expect(parseRulesetJson(JSON.parse(JSON.stringify(ruleset)), 'test')).toEqual(JSON.parse(JSON.stringify(ruleset)));
    });
  }
  it('names the field of a malformed file', () => {
    const broken = { ...JSON.parse(JSON.stringify(SHIPPED_RULESETS[0])), model: 'vibes' };
    expect(() => parseRulesetJson(broken, 'broken.json')).toThrow(/ruleset broken\.json: model/);
  });
});
