import { type Hj212Cp, type Hj212CpField, type Hj212FactorFields } from './hj212-frame';
import { type Hj212Options } from './hj212-options';

const SEMICOLON = 0x3b;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const SLASH = 0x2f;
const SPACE = 0x20;

/** A CP failure: the reason code and a message; `null` means CP parsed. */
export interface CpFailure {
  code: 'bad_cp_item' | 'cp_bad_delimiters';
  message: string;
}

/**
 * Parses the inside of `CP=&&…&&` (HJ 212-2017 §6.3.3): `;` separates items, `,` the sub-fields of one item,
 * `=` joins key and value; `//…//` texts are opaque and may hold `; , =`. Spaces around fields are dropped
 * because the standard's own examples contain them (`CP=&& &&`). Fills `cp` and returns a failure or null.
 */
export function parseCp(body: string, options: Hj212Options, cp: Hj212Cp): CpFailure | null {
  const length = body.length;
  let group: Hj212CpField[] = [];
  let position = 0;
  while (position <= length) {
    // One field: [position, fieldEnd), ended by `,`, `;` or the end; a `//` value runs to its closing `//`.
    let fieldEnd = position;
    let equals = -1;
    while (fieldEnd < length) {
      const code = body.charCodeAt(fieldEnd);
      if (code === EQUALS && equals < 0) {
        equals = fieldEnd;
        if (body.charCodeAt(fieldEnd + 1) === SLASH && body.charCodeAt(fieldEnd + 2) === SLASH) {
          const close = body.indexOf('//', fieldEnd + 3);
          if (close < 0) return { code: 'cp_bad_delimiters', message: 'a //…// text is not closed' };
          fieldEnd = close + 2;
          if (fieldEnd < length && body.charCodeAt(fieldEnd) !== SEMICOLON && body.charCodeAt(fieldEnd) !== COMMA) {
            return { code: 'cp_bad_delimiters', message: 'text after a //…// value' };
          }
          break;
        }
      } else if (code === SEMICOLON || code === COMMA) {
        break;
      }
      fieldEnd++;
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
      const key = body.slice(keyStart, keyEnd);
      const value = body.slice(valueStart, valueEnd);
      const failure = addField(cp, key, value, options);
      if (failure) return failure;
      group.push({ key, value });
    }
    if (separator === SEMICOLON && group.length > 0) {
      cp.groups.push(group);
      group = [];
    }
    position = fieldEnd + 1;
  }
  return null;
}

function addField(cp: Hj212Cp, key: string, value: string, options: Hj212Options): CpFailure | null {
  // `__proto__` cannot be an own key of a plain object; no standard field is named so.
  if (key === '__proto__') return { code: 'bad_cp_item', message: 'CP key __proto__' };
  const dash = key.lastIndexOf('-');
  if (dash < 0) {
    if (cp.params[key] !== undefined && options.rejectDuplicateCpKeys) {
      return { code: 'bad_cp_item', message: `CP key repeated: ${key}` };
    }
    cp.params[key] = value;
    if (key === 'DataTime') cp.dataTime = value;
    return null;
  }
  if (dash === 0 || dash === key.length - 1) return { code: 'bad_cp_item', message: `CP key without code or suffix: ${key}` };
  const code = key.slice(0, dash);
  const suffix = key.slice(dash + 1);
  if (code === '__proto__' || suffix === '__proto__') return { code: 'bad_cp_item', message: 'CP key __proto__' };
  let fields: Hj212FactorFields | undefined = cp.factors[code];
  if (fields === undefined) {
    fields = {};
    cp.factors[code] = fields;
  } else if (fields[suffix] !== undefined && options.rejectDuplicateCpKeys) {
    return { code: 'bad_cp_item', message: `CP key repeated: ${key}` };
  }
  fields[suffix] = value;
  return null;
}
