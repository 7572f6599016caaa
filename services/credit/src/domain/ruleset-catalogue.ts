import { cstDate } from './period';
import { validateRuleset, type Ruleset } from './ruleset';

/** The rulesets a deployment may use: every version of every jurisdiction, each with its effective period. */
export interface RulesetCatalogue {
  /** The version of `jurisdiction` in force at `at`; throws when none is. */
  inForce(jurisdiction: string, at: Date): Ruleset;
  /** A version by its name, for explaining or rebuilding a rating made with it. */
  version(version: string): Ruleset | undefined;
  readonly all: readonly Ruleset[];
}

export function createRulesetCatalogue(rulesets: readonly Ruleset[]): RulesetCatalogue {
  const problems = rulesets.flatMap((ruleset) => validateRuleset(ruleset).map((problem) => `${ruleset.version}: ${problem}`));
  const versions = new Map<string, Ruleset>();
  for (const ruleset of rulesets) {
    if (versions.has(ruleset.version)) problems.push(`two rulesets are version ${ruleset.version}`);
    versions.set(ruleset.version, ruleset);
  }
  if (problems.length > 0) throw new Error(`invalid credit rulesets: ${problems.join('; ')}`);
  return {
    all: rulesets,
    version: (version) => versions.get(version),
    inForce: (jurisdiction, at) => {
      const day = cstDate(at);
      const found = rulesets.filter((ruleset) => ruleset.jurisdiction === jurisdiction && ruleset.effective.from <= day && (ruleset.effective.to === undefined || day < ruleset.effective.to)).sort((a, b) => b.effective.from.localeCompare(a.effective.from))[0];
      if (!found) throw new Error(`no credit ruleset of ${jurisdiction} is in force on ${day}`);
      return found;
    },
  };
}
