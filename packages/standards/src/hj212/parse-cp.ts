import { type Hj212Cp, type Hj212CpField, type Hj212FactorFields } from './hj212-frame';
import { type Hj212Options } from './hj212-options';

const SEMICOLON = 0x3b;
const COMMA = 0x2c;
const SLASH = 0x2f;
const SPACE = 0x20;
const DASH = 0x2d;

/** A CP failure: the reason code and a message; `null` means CP parsed. */
export interface CpFailure {
  code: 'bad_cp_item' | 'cp_bad_delimiters';
  message: string;
}

/**
 * Suffixes of table 4 and common vendor ones, returned as constants so the hot path does not allocate a string
 * per field for them.
 */
const KNOWN_SUFFIXES = ['Rtd', 'Min', 'Avg', 'Max', 'ZsRtd', 'ZsMin', 'ZsAvg', 'ZsMax', 'Cou', 'Flag', 'EFlag', 'SampleTime', 'Data', 'DayData', 'NightData', 'Info', 'SN', 'RS', 'RT', 'ZsFlag', 'ValidNum', 'TotalNum'];
const SUFFIXES_BY_LENGTH: string[][] = [];
for (const suffix of KNOWN_SUFFIXES) (SUFFIXES_BY_LENGTH[suffix.length] ??= []).push(suffix);

function suffixAt(body: string, from: number, to: number): string {
  const candidates = SUFFIXES_BY_LENGTH[to - from];
  if (candidates !== undefined) {
    for (const candidate of candidates) if (body.startsWith(candidate, from)) return candidate;
  }
  return body.slice(from, to);
}

/**
 * Parses the inside of `CP=&&…&&` (HJ 212-2017 §6.3.3): `;` separates items, `,` the sub-fields of one item,
 * `=` joins key and value; `//…//` texts are opaque and may hold `; , =`. Spaces around fields are dropped
 * because the standard's own examples contain them (`CP=&& &&`). Fills `cp.params`/`cp.factors` and, when
 * `layout` is given, the groups in order. Returns a failure or null.
 */
export function parseCp(body: string, options: Pick<Hj212Options, 'rejectDuplicateCpKeys'>, cp: Hj212Cp, layout?: Hj212CpField[][]): CpFailure | null {
  const length = body.length;
  let group: Hj212CpField[] | null = layout ? [] : null;
  // Native indexOf finds delimiters much faster than a charCodeAt loop; the next `;` and `,` are remembered
  // until passed.
  let nextSemicolon = -1;
  let nextComma = -1;
  let lastCode = '';
  let lastFields: Hj212FactorFields | null = null;
  let position = 0;
  while (position <= length) {
    if (nextSemicolon < position) {
      nextSemicolon = body.indexOf(';', position);
      if (nextSemicolon < 0) nextSemicolon = length;
    }
    if (nextComma < position) {
      nextComma = body.indexOf(',', position);
      if (nextComma < 0) nextComma = length;
    }
    let fieldEnd = nextSemicolon < nextComma ? nextSemicolon : nextComma;
    let equals = body.indexOf('=', position);
    if (equals >= fieldEnd) equals = -1;
    if (equals >= 0 && body.charCodeAt(equals + 1) === SLASH && body.charCodeAt(equals + 2) === SLASH) {
      // An opaque `//…//` text may hold `; , =`: the field ends at its closing `//`.
      const close = body.indexOf('//', equals + 3);
      if (close < 0) return { code: 'cp_bad_delimiters', message: 'a //…// text is not closed' };
      fieldEnd = close + 2;
      const after = body.charCodeAt(fieldEnd);
      if (fieldEnd < length && after !== SEMICOLON && after !== COMMA) {
        return { code: 'cp_bad_delimiters', message: 'text after a //…// value' };
      }
    }
    const separator = fieldEnd < length ? body.charCodeAt(fieldEnd) : SEMICOLON;
    let keyStart = position;
    let valueEnd = fieldEnd;
    while (keyStart < valueEnd && body.charCodeAt(keyStart) === SPACE) keyStart++;
    while (valueEnd > keyStart && body.charCodeAt(valueEnd - 1) === SPACE) valueEnd--;
    if (keyStart < valueEnd) {
      if (equals < 0) return { code: 'bad_cp_item', message: `CP item without "=": ${body.slice(keyStart, valueEnd)}` };
      let keyEnd = equals;
      while (keyEnd > keyStart && body.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
      let valueStart = equals + 1;
      while (valueStart < valueEnd && body.charCodeAt(valueStart) === SPACE) valueStart++;
      if (keyEnd === keyStart) return { code: 'bad_cp_item', message: 'CP item with an empty key' };
      // The suffix follows the key's last `-`, so a code may itself contain one.
      let dash = keyEnd - 1;
      while (dash >= keyStart && body.charCodeAt(dash) !== DASH) dash--;
      const value = body.slice(valueStart, valueEnd);
      if (dash < keyStart) {
        const failure = addParam(cp, body.slice(keyStart, keyEnd), value, options);
        if (failure) return failure;
      } else if (
        lastFields !== null &&
        dash - keyStart === lastCode.length &&
        body.startsWith(lastCode, keyStart) &&
        dash + 1 < keyEnd
      ) {
        // Another sub-field of the factor just seen (the usual `a34004-Rtd=…,a34004-Flag=N`): no lookup needed.
        const suffix = suffixAt(body, dash + 1, keyEnd);
        if (lastFields[suffix] !== undefined && options.rejectDuplicateCpKeys) {
          return { code: 'bad_cp_item', message: `CP key repeated: ${lastCode}-${suffix}` };
        }
        if (suffix === '__proto__') return { code: 'bad_cp_item', message: 'CP key __proto__' };
        lastFields[suffix] = value;
      } else {
        const failure = addFactorField(cp, body, keyStart, dash, keyEnd, value, options);
        if (failure) return failure;
        lastCode = body.slice(keyStart, dash);
        lastFields = cp.factors[lastCode] as Hj212FactorFields;
      }
      if (group !== null) group.push({ key: body.slice(keyStart, keyEnd), value });
    }
    if (separator === SEMICOLON && group !== null && group.length > 0) {
      (layout as Hj212CpField[][]).push(group);
      group = [];
    }
    position = fieldEnd + 1;
  }
  return null;
}

/**
 * The layout of a CP text: its `;`-separated groups of `,`-separated `key=value` fields, in order, for callers
 * that need more than `params`/`factors` (e.g. to rebuild a frame field by field). Throws nothing; an invalid text
 * gives the groups up to the fault.
 */
export function cpGroups(text: string): Hj212CpField[][] {
  const layout: Hj212CpField[][] = [];
  parseCp(text, { rejectDuplicateCpKeys: false }, { dataTime: null, params: {}, factors: {}, text }, layout);
  return layout;
}

function addParam(cp: Hj212Cp, key: string, value: string, options: Pick<Hj212Options, 'rejectDuplicateCpKeys'>): CpFailure | null {
  // `__proto__` cannot be an own key of a plain object; no standard field is named so.
  if (key === '__proto__') return { code: 'bad_cp_item', message: 'CP key __proto__' };
  if (cp.params[key] !== undefined && options.rejectDuplicateCpKeys) return { code: 'bad_cp_item', message: `CP key repeated: ${key}` };
  cp.params[key] = value;
  if (key === 'DataTime') cp.dataTime = value;
  return null;
}

function addFactorField(
  cp: Hj212Cp,
  body: string,
  keyStart: number,
  dash: number,
  keyEnd: number,
  value: string,
  options: Pick<Hj212Options, 'rejectDuplicateCpKeys'>,
): CpFailure | null {
  if (dash <= keyStart || dash === keyEnd - 1) {
    return { code: 'bad_cp_item', message: `CP key without code or suffix: ${body.slice(keyStart, keyEnd)}` };
  }
  const code = body.slice(keyStart, dash);
  const suffix = suffixAt(body, dash + 1, keyEnd);
  if (code === '__proto__' || suffix === '__proto__') return { code: 'bad_cp_item', message: 'CP key __proto__' };
  let fields: Hj212FactorFields | undefined = cp.factors[code];
  if (fields === undefined) {
    fields = {};
    cp.factors[code] = fields;
  } else if (fields[suffix] !== undefined && options.rejectDuplicateCpKeys) {
    return { code: 'bad_cp_item', message: `CP key repeated: ${code}-${suffix}` };
  }
  fields[suffix] = value;
  return null;
}
