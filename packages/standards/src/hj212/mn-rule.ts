/**
 * The one rule for a monitoring station's MN (设备唯一标识), shared by the frame parser and the registry, so a
 * device the registry accepts is never refused by the parser and the other way round.
 *
 * HJ 212-2017 §6.3.3 describes the MN as up to 24 characters; real stations use letters, digits and separators
 * such as `_` and `-` (`JLYP01_AIR01_0001` is a published frame's). What the rule must exclude are the
 * characters that delimit the data segment itself (`;` between fields, `=` within them, `,` and `&` in the CP),
 * spaces and anything outside visible ASCII.
 */
export const MN_MAX_LENGTH = 24;

const DELIMITERS = new Set([0x3b /* ; */, 0x3d /* = */, 0x2c /* , */, 0x26 /* & */]);

/** Why `mn` is not an MN (a sentence for an error message), or `null` when it is one. */
export function mnProblem(mn: string): string | null {
  if (mn.length < 1 || mn.length > MN_MAX_LENGTH) return `an MN is 1–${MN_MAX_LENGTH} characters`;
  for (let index = 0; index < mn.length; index += 1) {
    const code = mn.charCodeAt(index);
    if (code < 0x21 || code > 0x7e) return 'an MN holds only visible ASCII characters (no spaces)';
    if (DELIMITERS.has(code)) return 'an MN may not contain ; = , or &';
  }
  return null;
}
