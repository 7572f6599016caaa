import type { Ruleset } from '../ruleset';
import { NATIONAL_2013 } from './national-2013';
import { SHANXI_PILOT_2023 } from './shanxi-pilot-2023';

/** Every shipped ruleset version. A new version is added here beside the old one, never edited into it. */
export const SHIPPED_RULESETS: readonly Ruleset[] = [NATIONAL_2013, SHANXI_PILOT_2023];

export { NATIONAL_2013, SHANXI_PILOT_2023 };
