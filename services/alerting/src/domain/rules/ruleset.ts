import { z } from 'zod';
import { DEVICE_KINDS, TARGET_KINDS } from '../kinds';

/**
 * The alerting ruleset: every threshold, duration and distance is data here, versioned per rule, so a
 * change of policy is a reviewed change of data (or an `ALERT_RULESET` file), never of code.
 * Device and target kinds are named as in `../kinds` (the registry's enum names without their prefix).
 */

export const SEVERITIES = ['info', 'minor', 'major', 'critical'] as const;
export type SeverityName = (typeof SEVERITIES)[number];

const severity = z.enum(SEVERITIES);
const deviceKind = z.enum(DEVICE_KINDS);
const targetKind = z.enum(TARGET_KINDS);
const flag = z.enum(['N', 'F', 'M', 'S', 'D', 'C', 'T', 'B']);
const command = z.enum(['2011', '2051', '2061', '2031']);
const positiveInt = z.number().int().positive();

/** Raise when the condition held for `readings` consecutive readings, or for `minutes` of data time, whichever first. */
const duration = z
  .object({ readings: positiveInt.optional(), minutes: z.number().positive().optional() })
  .strict()
  .default({ readings: 1 });

/** A severity step: applies once the episode lasted this long or the value reached this exceedance multiple. */
const escalation = z
  .object({
    severity,
    afterReadings: positiveInt.optional(),
    afterMinutes: z.number().positive().optional(),
    /** 超标倍数 (value − limit) / limit at or above which the step applies. */
    atMultiple: z.number().nonnegative().optional(),
  })
  .strict()
  .refine((step) => step.afterReadings !== undefined || step.afterMinutes !== undefined || step.atMultiple !== undefined, 'an escalation needs a condition');

const base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
  version: z.string().min(1),
  enabled: z.boolean().default(true),
  description: z.string().default(''),
  severity,
  raiseAfter: duration,
  /** Consecutive readings within the condition that clear an open alert. */
  clearAfterReadings: positiveInt.default(1),
  escalations: z.array(escalation).default([]),
  /** Raise the severity when the device lies near a sensitive target (see `sensitiveTargets`). */
  escalateNearTargets: z.boolean().default(false),
};

const emissionLimitRule = z
  .object({
    ...base,
    kind: z.literal('emission_limit'),
    deviceKinds: z.array(deviceKind).min(1),
    /** One cadence per rule: readings of these commands share the episode. */
    commands: z.array(command).min(1),
    /**
     * Commands whose late readings (back-fill, behind newer ones) this rule judges one by one, outside the
     * episode; default `commands`. Only commands with a lateness window are ever late (2051, 2061, 2031).
     */
    lateCommands: z.array(command).optional(),
  })
  .strict();

const ambientLimitRule = z
  .object({
    ...base,
    kind: z.literal('ambient_limit'),
    deviceKinds: z.array(deviceKind).min(1),
    /** GB 3095 averaging period judged by this rule: hourly means, O3 8-hour moving means or daily (2031) means. */
    period: z.enum(['1h', '8h', '24h']),
    /** Ambient air function zone class: 1 → grade I limits, 2 → grade II. */
    zoneClass: z.union([z.literal(1), z.literal(2)]),
  })
  .strict();

const dataQualityRule = z
  .object({
    ...base,
    kind: z.literal('data_quality'),
    /** HJ 212 data flags that mean the instrument is not measuring properly. */
    flags: z.array(flag).min(1),
  })
  .strict();

const deviceOfflineRule = z
  .object({
    ...base,
    kind: z.literal('device_offline'),
    /** No observation received for this long (wall clock) raises; the next observation clears. */
    minutes: z.number().positive(),
    minutesByDeviceKind: z.partialRecord(deviceKind, z.number().positive()).default({}),
  })
  .strict();

const suddenJumpRule = z
  .object({
    ...base,
    kind: z.literal('sudden_jump'),
    valueKinds: z.array(z.enum(['Rtd', 'ZsRtd', 'Avg', 'ZsAvg'])).min(1),
    /** A change above `relativeChange` × |previous| and above the absolute floor is a jump. */
    relativeChange: z.number().positive(),
    minAbsoluteChange: z.number().nonnegative(),
    minAbsoluteChangeByFactor: z.record(z.string(), z.number().nonnegative()).default({}),
    /** Two readings further apart than this are not compared. */
    maxGapMinutes: z.number().positive(),
  })
  .strict();

export const ruleSchema = z.discriminatedUnion('kind', [emissionLimitRule, ambientLimitRule, dataQualityRule, deviceOfflineRule, suddenJumpRule]);

export const rulesetSchema = z
  .object({
    id: z.string().min(1),
    version: z.string().min(1),
    description: z.string().default(''),
    /** Readings with these flags are ignored by limit and jump rules: neither exceedance nor recovery (M maintenance, C calibration). */
    suppressFlags: z.array(flag).default(['M', 'C']),
    /** Readings with these flags are compared with limits; others (D, F, B, S…) are not valid measurements. */
    limitFlags: z.array(flag).default(['N', 'T']),
    /** Evidence kept per alert event: the most recent readings of the episode. */
    maxEvidence: positiveInt.default(10),
    /** An open limit alert is republished as UPDATED when its peak grows by this fraction of the last published value. */
    updateOnPeakIncrease: z.number().positive().default(0.2),
    sensitiveTargets: z
      .object({
        /** Search radius per sensitive target kind, metres from the device. */
        radiusM: z.partialRecord(targetKind, z.number().positive()),
        /** Severity levels added when any such target is within its radius. */
        escalateBy: z.number().int().min(0).max(3),
      })
      .strict(),
    aqi: z
      .object({
        enabled: z.boolean().default(true),
        deviceKinds: z.array(deviceKind).min(1),
        /** An aggregated hourly mean needs valid data in at least this many distinct minutes of the hour (HJ 663: 45). */
        minCoveredMinutes: z.number().int().min(1).max(60),
        /** An hour with real-time data only is closed this long after its end if no later reading closed it. */
        closeAfterMinutes: z.number().nonnegative(),
      })
      .strict(),
    rules: z.array(ruleSchema).min(1),
  })
  .strict()
  .superRefine((ruleset, context) => {
    const seen = new Set<string>();
    for (const [index, rule] of ruleset.rules.entries()) {
      if (seen.has(rule.id)) context.addIssue({ code: 'custom', path: ['rules', index, 'id'], message: `duplicate rule id ${rule.id}` });
      seen.add(rule.id);
    }
  });

export type RulesetInput = z.input<typeof rulesetSchema>;
export type Ruleset = z.output<typeof rulesetSchema>;
export type Rule = Ruleset['rules'][number];
export type EmissionLimitRule = Extract<Rule, { kind: 'emission_limit' }>;
export type AmbientLimitRule = Extract<Rule, { kind: 'ambient_limit' }>;
export type DataQualityRule = Extract<Rule, { kind: 'data_quality' }>;
export type DeviceOfflineRule = Extract<Rule, { kind: 'device_offline' }>;
export type SuddenJumpRule = Extract<Rule, { kind: 'sudden_jump' }>;

export class RulesetError extends Error {
  readonly code = 'invalid_ruleset';
}

/** Validates a ruleset (defaults filled in), naming every problem with its path. */
export function parseRuleset(input: unknown): Ruleset {
  const parsed = rulesetSchema.safeParse(input);
  if (!parsed.success) {
    throw new RulesetError(`invalid ruleset: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}
