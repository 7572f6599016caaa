import { type Hj212Cp, type Hj212CpField, type Hj212FactorFields } from './hj212-frame';
import { type Hj212Options } from './hj212-options';

const SEMICOLON = 0x3b;
const COMMA = 0x2c;
const SLASH = 0x2f;
const SPACE = 0x20;
const DASH = 0x2d;
const EQUALS = 0x3d;

/** A CP failure: the reason code and a message; `null` means CP parsed. */
export interface CpFailure {
  code: 'bad_cp_item' | 'cp_bad_delimiters';
  message: string;
}

/**
 * A text as one byte per UTF-16 code unit: the unit itself when it is ASCII, `NON_ASCII` otherwise. The scanner
 * reads these rather than calling `charCodeAt`, on which V8 checks the string's representation (flat, sliced, …)
 * every time, or `indexOf`/`startsWith`, a builtin call each: those calls were most of the CP parse's time. An
 * ASCII frame's own bytes are such codes, so the frame parser passes them as they are. Every delimiter of the
 * format is ASCII, so the structure reads the same; only equality of non-ASCII text cannot be seen here, and the
 * checks below that compare text say no when they meet `NON_ASCII`.
 * Always a `Uint8Array`, never a `Uint16Array` for non-ASCII text: loads from two kinds of typed array in the same
 * loop cost V8 a fifth of the parse rate.
 */
export type AsciiCodes = Uint8Array;

/** Stands for any non-ASCII code unit in `AsciiCodes`. */
const NON_ASCII = 0x80;

/** `AsciiCodes` of `text`, for callers that hold a string rather than a frame's bytes. */
export function asciiCodesOf(text: string): AsciiCodes {
  const codes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    codes[index] = code < NON_ASCII ? code : NON_ASCII;
  }
  return codes;
}

/** Whether `codes` hold the ASCII `word` at `at`. */
function codesMatch(codes: AsciiCodes, at: number, word: string): boolean {
  for (let index = 0; index < word.length; index++) if (codes[at + index] !== word.charCodeAt(index)) return false;
  return true;
}

/** Whether `codes` hold the same ASCII text of `length` at `first` and at `second`; false for any non-ASCII. */
function sameAsciiText(codes: AsciiCodes, first: number, second: number, length: number): boolean {
  for (let index = 0; index < length; index++) {
    const code = codes[first + index] as number;
    if (code !== codes[second + index] || code === NON_ASCII) return false;
  }
  return true;
}

/**
 * Suffixes of table 4 and common vendor ones, returned as constants so the hot path does not allocate a string
 * per field for them.
 */
const KNOWN_SUFFIXES = ['Rtd', 'Min', 'Avg', 'Max', 'ZsRtd', 'ZsMin', 'ZsAvg', 'ZsMax', 'Cou', 'Flag', 'EFlag', 'SampleTime', 'Data', 'DayData', 'NightData', 'Info', 'SN', 'RS', 'RT', 'ZsFlag', 'ValidNum', 'TotalNum'];
const SUFFIXES_BY_LENGTH: string[][] = [];
for (const suffix of KNOWN_SUFFIXES) (SUFFIXES_BY_LENGTH[suffix.length] ??= []).push(suffix);

/**
 * Factor codes and CP parameter names from earlier frames, by a hash of their characters. A device repeats the
 * same few dozen codes in every frame, so the hot path finds the string it used last time instead of cutting a
 * new one out of the text: that saves the allocation and, above all, V8's hashing and string-table lookup of a
 * fresh string at each `factors[code]`, since a string once used as a key keeps its hash and is internalized.
 * A collision only costs a `slice`.
 */
const KEY_CACHE_SIZE = 1024;
const KEY_CACHE: string[] = new Array<string>(KEY_CACHE_SIZE).fill('');
/**
 * Longer keys are not cached: V8 cuts a slice of 13 characters or more as a view of the whole text, and the
 * cache would keep every such text alive. Codes and parameter names are shorter.
 */
const MAX_CACHED_KEY_LENGTH = 12;

/**
 * Parses the inside of `CP=&&…&&` (HJ 212-2017 §6.3.3): `;` separates items, `,` the sub-fields of one item,
 * `=` joins key and value; `//…//` texts are opaque and may hold `; , =`. Spaces around fields are dropped
 * because the standard's own examples contain them (`CP=&& &&`). Fills `cp.params`/`cp.factors` and, when
 * `layout` is given, the groups in order. Returns a failure or null.
 */
export function parseCp(body: string, options: Pick<Hj212Options, 'rejectDuplicateCpKeys'>, cp: Hj212Cp, layout?: Hj212CpField[][]): CpFailure | null {
  return new CpScanner(body, asciiCodesOf(body), 0).parse(0, body.length, options, cp, layout);
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

/**
 * Reads a CP text out of `codes`, the `AsciiCodes` of `text` from `offset` on (`codes[at]` stands for
 * `text[at - offset]`): the frame parser passes the frame's bytes and the data segment's place in them, so it scans
 * bytes and only cuts the strings it returns out of `text`.
 */
export class CpScanner {
  constructor(
    private readonly text: string,
    private readonly codes: AsciiCodes,
    private readonly offset: number,
  ) {}

  /** `text` between code positions `from` and `to`. */
  private cut(from: number, to: number): string {
    return this.text.slice(from - this.offset, to - this.offset);
  }

  /** As `parseCp`, for the CP text at code positions `[start, end)`. */
  parse(start: number, end: number, options: Pick<Hj212Options, 'rejectDuplicateCpKeys'>, cp: Hj212Cp, layout?: Hj212CpField[][]): CpFailure | null {
    const codes = this.codes;
    let group: Hj212CpField[] | null = layout ? [] : null;
    // The factor of the previous field, as its code's place, so the next field's code is compared in place.
    let lastCodeStart = 0;
    let lastCodeLength = 0;
    let lastFields: Hj212FactorFields | null = null;
    let position = start;
    while (position <= end) {
      // One pass over the key finds its `=` and its last `-` (the suffix follows the last one, so a code may
      // itself contain one); a second pass over the value finds the field's end.
      let at = position;
      let dash = -1;
      let equals = -1;
      for (; at < end; at++) {
        const code = codes[at] as number;
        if (code === SEMICOLON || code === COMMA) break;
        if (code === EQUALS) {
          equals = at;
          break;
        }
        if (code === DASH) dash = at;
      }
      let fieldEnd = at;
      if (equals >= 0) {
        if (equals + 2 < end && codes[equals + 1] === SLASH && codes[equals + 2] === SLASH) {
          // An opaque `//…//` text may hold `; , =`: the field ends at its closing `//`.
          const close = indexOfDoubleSlash(codes, equals + 3, end);
          if (close < 0) return { code: 'cp_bad_delimiters', message: 'a //…// text is not closed' };
          fieldEnd = close + 2;
          if (fieldEnd < end && codes[fieldEnd] !== SEMICOLON && codes[fieldEnd] !== COMMA) {
            return { code: 'cp_bad_delimiters', message: 'text after a //…// value' };
          }
        } else {
          fieldEnd = equals + 1;
          while (fieldEnd < end && codes[fieldEnd] !== SEMICOLON && codes[fieldEnd] !== COMMA) fieldEnd++;
        }
      }
      const separator = fieldEnd < end ? codes[fieldEnd] : SEMICOLON;
      let keyStart = position;
      let valueEnd = fieldEnd;
      while (keyStart < valueEnd && codes[keyStart] === SPACE) keyStart++;
      while (valueEnd > keyStart && codes[valueEnd - 1] === SPACE) valueEnd--;
      if (keyStart < valueEnd) {
        if (equals < 0) return { code: 'bad_cp_item', message: `CP item without "=": ${this.cut(keyStart, valueEnd)}` };
        let keyEnd = equals;
        while (keyEnd > keyStart && codes[keyEnd - 1] === SPACE) keyEnd--;
        let valueStart = equals + 1;
        while (valueStart < valueEnd && codes[valueStart] === SPACE) valueStart++;
        if (keyEnd === keyStart) return { code: 'bad_cp_item', message: 'CP item with an empty key' };
        const value = this.cut(valueStart, valueEnd);
        if (dash < keyStart) {
          const failure = addParam(cp, this.key(keyStart, keyEnd), value, options);
          if (failure) return failure;
        } else if (
          lastFields !== null &&
          dash - keyStart === lastCodeLength &&
          dash + 1 < keyEnd &&
          sameAsciiText(codes, lastCodeStart, keyStart, lastCodeLength)
        ) {
          // Another sub-field of the factor just seen (the usual `a34004-Rtd=…,a34004-Flag=N`): no lookup needed.
          const suffix = this.suffix(dash + 1, keyEnd);
          if (Object.hasOwn(lastFields, suffix) && options.rejectDuplicateCpKeys) {
            return { code: 'bad_cp_item', message: `CP key repeated: ${this.cut(keyStart, dash)}-${suffix}` };
          }
          if (suffix === '__proto__') return { code: 'bad_cp_item', message: 'CP key __proto__' };
          lastFields[suffix] = value;
        } else {
          if (dash === keyStart || dash === keyEnd - 1) {
            return { code: 'bad_cp_item', message: `CP key without code or suffix: ${this.cut(keyStart, keyEnd)}` };
          }
          const code = this.key(keyStart, dash);
          const suffix = this.suffix(dash + 1, keyEnd);
          if (code === '__proto__' || suffix === '__proto__') return { code: 'bad_cp_item', message: 'CP key __proto__' };
          // Own properties only: a device may send any code, and `constructor` or `toString` must not reach Object's.
          let fields: Hj212FactorFields | undefined = Object.hasOwn(cp.factors, code) ? cp.factors[code] : undefined;
          if (fields === undefined) {
            fields = {};
            cp.factors[code] = fields;
          } else if (Object.hasOwn(fields, suffix) && options.rejectDuplicateCpKeys) {
            return { code: 'bad_cp_item', message: `CP key repeated: ${code}-${suffix}` };
          }
          fields[suffix] = value;
          lastFields = fields;
          lastCodeStart = keyStart;
          lastCodeLength = dash - keyStart;
        }
        if (group !== null) group.push({ key: this.cut(keyStart, keyEnd), value });
      }
      if (separator === SEMICOLON && group !== null && group.length > 0) {
        (layout as Hj212CpField[][]).push(group);
        group = [];
      }
      position = fieldEnd + 1;
    }
    return null;
  }

  /** The suffix at `[from, to)`, as a constant when it is a known one. */
  private suffix(from: number, to: number): string {
    const candidates = SUFFIXES_BY_LENGTH[to - from];
    if (candidates !== undefined) {
      for (const candidate of candidates) if (codesMatch(this.codes, from, candidate)) return candidate;
    }
    return this.cut(from, to);
  }

  /** The non-empty key or code at `[from, to)`, as the same string object each time the same ASCII text comes. */
  private key(from: number, to: number): string {
    if (to - from > MAX_CACHED_KEY_LENGTH) return this.cut(from, to);
    const codes = this.codes;
    let hash = to - from;
    let all = 0;
    for (let index = from; index < to; index++) {
      const code = codes[index] as number;
      hash = (Math.imul(hash, 31) + code) | 0;
      all |= code;
    }
    // Only ASCII keys are cached, so `codesMatch` can tell them apart.
    if (all >= NON_ASCII) return this.cut(from, to);
    const slot = (hash ^ (hash >>> 10)) & (KEY_CACHE_SIZE - 1);
    const cached = KEY_CACHE[slot] as string;
    if (cached.length === to - from && codesMatch(codes, from, cached)) return cached;
    const key = this.cut(from, to);
    KEY_CACHE[slot] = key;
    return key;
  }
}

/** Position of the first `//` in `[from, end)`, or -1. */
function indexOfDoubleSlash(codes: AsciiCodes, from: number, end: number): number {
  for (let index = from; index + 1 < end; index++) if (codes[index] === SLASH && codes[index + 1] === SLASH) return index;
  return -1;
}

function addParam(cp: Hj212Cp, key: string, value: string, options: Pick<Hj212Options, 'rejectDuplicateCpKeys'>): CpFailure | null {
  // `__proto__` cannot be an own key of a plain object; no standard field is named so.
  if (key === '__proto__') return { code: 'bad_cp_item', message: 'CP key __proto__' };
  if (Object.hasOwn(cp.params, key) && options.rejectDuplicateCpKeys) return { code: 'bad_cp_item', message: `CP key repeated: ${key}` };
  cp.params[key] = value;
  if (key === 'DataTime') cp.dataTime = value;
  return null;
}
