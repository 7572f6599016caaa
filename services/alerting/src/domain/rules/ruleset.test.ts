import { describe, expect, it } from 'vitest';
import { compileRuleset } from './compiled-ruleset';
import { DEFAULT_RULESET } from './default-ruleset';
import { parseRuleset, RulesetError } from './ruleset';

describe('the ruleset', () => {
  it('the default ruleset is valid, every rule has an id and a version, and it compiles', () => {
    const ruleset = parseRuleset(DEFAULT_RULESET);
    expect(ruleset.rules.map((rule) => `${rule.id}@${rule.version}`)).toEqual([
      'emission-limit-realtime@1',
      'emission-limit-hourly@1',
      'water-quality-limit@1',
      'toxic-gas-limit@1',
      'ambient-1h@1',
      'ambient-8h@1',
      'ambient-24h@1',
      'data-quality@1',
      'device-offline@1',
      'sudden-jump@1',
    ]);
    const compiled = compileRuleset(ruleset);
    expect(compiled.maxTargetRadius).toBe(2000);
    expect(compiled.suppressFlags).toEqual(new Set(['M', 'C']));
  });

  it('names what is wrong: a duplicate id, an unknown device kind, a step without condition', () => {
    const duplicate = { ...DEFAULT_RULESET, rules: [...DEFAULT_RULESET.rules, DEFAULT_RULESET.rules[0]] };
    expect(() => parseRuleset(duplicate)).toThrow(/rules\.10\.id: duplicate rule id emission-limit-realtime/);
    const unknownKind = { ...DEFAULT_RULESET, rules: [{ ...DEFAULT_RULESET.rules[0], deviceKinds: ['TOASTER'] }] };
    expect(() => parseRuleset(unknownKind)).toThrow(RulesetError);
    const noCondition = { ...DEFAULT_RULESET, rules: [{ ...DEFAULT_RULESET.rules[0], escalations: [{ severity: 'major' }] }] };
    expect(() => parseRuleset(noCondition)).toThrow(/an escalation needs a condition/);
  });

  it('disabled rules are not compiled', () => {
    const ruleset = parseRuleset({ ...DEFAULT_RULESET, rules: DEFAULT_RULESET.rules.map((rule) => ({ ...rule, enabled: rule.kind !== 'sudden_jump' })) });
    expect(compileRuleset(ruleset).jump).toEqual([]);
  });
});
