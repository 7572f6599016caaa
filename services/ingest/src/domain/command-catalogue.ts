import { parseChinaDigits } from './china-time';
import type { CommandKind } from './device-command';
import type { InputProblem } from './validate-observation-input';

/** One CP parameter of a platform request, and what values it takes. */
interface ParamRule {
  name: string;
  required: boolean;
  /** A problem with the value, or null when it is fine. */
  check(value: string): string | null;
}

interface CommandRule {
  kind: CommandKind;
  params: readonly ParamRule[];
  /** A check across parameters (BeginTime ≤ EndTime). */
  across?(params: Record<string, string>): InputProblem | null;
}

const DIGITS = /^\d+$/;
const POL_ID = /^[a-zA-Z][a-zA-Z0-9]{1,9}$/;
const INFO_ID = /^i\d{5}$/;
const PASSWORD = /^[0-9a-zA-Z]{1,6}$/;
const VALUE_TEXT = /^[^;,=&\r\n]{1,64}$/;
/** HJ 212-2025 1014 NewSK: the 16 characters of an SM4 key (any visible ASCII but the CP's delimiters). */
const SM4_KEY = /^[!-%'-+\--<>-~]{16}$/;

const integerIn = (min: number, max: number) => (value: string) => {
  if (!DIGITS.test(value)) return 'must be a whole number';
  const number = Number(value);
  return number >= min && number <= max ? null : `must be between ${min} and ${max}`;
};
const time14 = (value: string) => (value.length === 14 && parseChinaDigits(value) !== null ? null : 'must be a time YYYYMMDDhhmmss (Beijing time)');
const matches = (pattern: RegExp, what: string) => (value: string) => (pattern.test(value) ? null : `must be ${what}`);
const oneOf = (values: readonly number[]) => (value: string) => (DIGITS.test(value) && values.includes(Number(value)) ? null : `must be one of ${values.join(', ')}`);

const required = (name: string, check: ParamRule['check']): ParamRule => ({ name, required: true, check });
const optional = (name: string, check: ParamRule['check']): ParamRule => ({ name, required: false, check });
const polId = required('PolId', matches(POL_ID, 'a factor code such as w01018'));
const optionalPolId = optional('PolId', matches(POL_ID, 'a factor code such as w01018'));

const timeRange = (params: Record<string, string>): InputProblem | null => {
  const begin = params.BeginTime;
  const end = params.EndTime;
  if (begin === undefined && end === undefined) return null;
  if (begin === undefined || end === undefined) return { reason: 'invalid_field', field: begin === undefined ? 'params.BeginTime' : 'params.EndTime', message: 'BeginTime and EndTime go together' };
  return begin <= end ? null : { reason: 'invalid_field', field: 'params.EndTime', message: 'EndTime is before BeginTime' };
};

const request = (params: readonly ParamRule[], across?: CommandRule['across']): CommandRule => ({ kind: 'request', params, ...(across ? { across } : {}) });

/**
 * The commands the platform may send a device and their CP parameters (HJ 212-2017 table 9 and Annex C;
 * STANDARDS.md §9.1.2). 2012 and 2022 are notifications, answered with 9013; the rest are requests, answered with
 * 9011, data and 9012. A 1012 without SystemTime is sent with the platform's time at the moment it goes out.
 */
export const PLATFORM_COMMANDS: Readonly<Record<string, CommandRule>> = {
  '1000': request([required('OverTime', integerIn(1, 99)), required('ReCount', integerIn(1, 99))]),
  '1011': request([optionalPolId]),
  '1012': request([optionalPolId, optional('SystemTime', time14)]),
  '1061': request([]),
  '1062': request([required('RtdInterval', integerIn(30, 3600))]),
  '1063': request([]),
  '1064': request([required('MinInterval', oneOf([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30]))]),
  '1072': request([required('NewPW', matches(PASSWORD, '1 to 6 letters or digits'))]),
  // HJ 212-2025 上位机下发新密钥 (third-party text): the platform makes the key when none is given and the time now.
  '1014': request([optional('NewSK', matches(SM4_KEY, '16 characters without ; , = & or spaces')), optional('SKCreateTime', matches(/^\d{17}$/, 'a time YYYYMMDDhhmmsszzz'))]),
  '2011': request([]),
  '2012': { kind: 'notification', params: [] },
  '2021': request([]),
  '2022': { kind: 'notification', params: [] },
  '2031': request([required('BeginTime', time14), required('EndTime', time14)], timeRange),
  '2041': request([required('BeginTime', time14), required('EndTime', time14)], timeRange),
  '2051': request([required('BeginTime', time14), required('EndTime', time14)], timeRange),
  '2061': request([required('BeginTime', time14), required('EndTime', time14)], timeRange),
  '3011': request([polId]),
  '3012': request([polId]),
  '3013': request([polId]),
  '3014': request([polId]),
  '3015': request([]),
  '3016': request([polId, required('CstartTime', matches(/^([01]\d|2[0-3])[0-5]\d[0-5]\d$/, 'a time of day hhmmss')), required('CTime', integerIn(1, 24))]),
  '3017': request([polId]),
  '3018': request([polId]),
  '3019': request([polId]),
  '3020': request([optionalPolId, required('InfoId', matches(INFO_ID, 'an information code such as i12001')), optional('BeginTime', time14), optional('EndTime', time14)], timeRange),
  '3021': request([optionalPolId, required('InfoId', matches(INFO_ID, 'an information code such as i13004'))]),
};

export type CommandCheck = { ok: true; kind: CommandKind; params: Record<string, string> } | { ok: false; problem: InputProblem };

const problem = (field: string, message: string, reason = 'invalid_field'): CommandCheck => ({ ok: false, problem: { reason, field, message } });

/**
 * Whether the platform may send this CN with these parameters, and the parameters in the standard's order. 3021
 * takes the value of the information code it sets, named after it (`i13004-Info`); nothing else is passed through.
 */
export function checkCommand(commandCode: string, params: Readonly<Record<string, string>>): CommandCheck {
  const rule = PLATFORM_COMMANDS[commandCode];
  if (!rule) return problem('command_code', `CN=${commandCode || '(empty)'} is not a command the platform sends (HJ 212-2017 table 9)`, 'unsupported_command');
  const out: Record<string, string> = {};
  const known = new Set(rule.params.map((param) => param.name));
  for (const param of rule.params) {
    const value = params[param.name]?.trim();
    if (value === undefined || value === '') {
      if (param.required) return problem(`params.${param.name}`, `CN=${commandCode} needs ${param.name}`, 'missing_field');
      continue;
    }
    const wrong = param.check(value);
    if (wrong) return problem(`params.${param.name}`, `${param.name} ${wrong}`);
    out[param.name] = value;
  }
  if (commandCode === '3021') {
    const name = `${out.InfoId ?? ''}-Info`;
    const value = params[name]?.trim();
    if (!value) return problem(`params.${name}`, `CN=3021 needs the value of ${out.InfoId ?? 'InfoId'} as ${name}`, 'missing_field');
    if (!VALUE_TEXT.test(value)) return problem(`params.${name}`, `${name} must be 1 to 64 characters without ; , = & or line breaks`);
    out[name] = value;
    known.add(name);
  }
  for (const name of Object.keys(params)) if (!known.has(name)) return problem(`params.${name}`, `CN=${commandCode} takes no ${name}`, 'unknown_field');
  const across = rule.across?.(out);
  if (across) return { ok: false, problem: across };
  return { ok: true, kind: rule.kind, params: out };
}
