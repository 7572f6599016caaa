import { cpGroups } from './parse-cp';
import { describe, expect, it } from 'vitest';
import { crc16Hj212, formatCrc } from './crc16';
import { encodeFrame, encodeFrameToString } from './encode-frame';
import { PUBLIC_FRAMES } from './fixtures/public-frames';
import { Hj212FrameError } from './hj212-error';
import { HJ212_STRICT, HJ212_TOLERANT, hj212Options } from './hj212-options';
import { parseFrame, tryParseFrame } from './parse-frame';

/** Wraps a data segment in a correct envelope (length in UTF-8 bytes, upper-case CRC, CR LF). */
function frameOf(segment: string, overrides: { length?: number; crc?: string; tail?: string } = {}): string {
  const bytes = new TextEncoder().encode(segment);
  const length = String(overrides.length ?? bytes.length).padStart(4, '0');
  return `##${length}${segment}${overrides.crc ?? formatCrc(crc16Hj212(bytes))}${overrides.tail ?? '\r\n'}`;
}

function reason(input: string | Uint8Array, options = HJ212_STRICT): string {
  const result = tryParseFrame(input, options);
  return result.ok ? 'ok' : result.error.code;
}

const HEADER = 'QN=20160801085857223;ST=32;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5';

describe('parseFrame on public frames (table: source named beside each frame)', () => {
  it.each(PUBLIC_FRAMES.map((entry) => [entry.source, entry]))('%s', (_source, entry) => {
    expect(reason(`${entry.frame}\r\n`, HJ212_STRICT)).toBe(entry.strict);
    expect(reason(`${entry.frame}\r\n`, HJ212_TOLERANT)).toBe(entry.tolerant);
  });

  it('covers at least 25 frames whose CRC verifies', () => {
    expect(PUBLIC_FRAMES.filter((entry) => entry.tolerant === 'ok').length).toBeGreaterThanOrEqual(25);
  });
});

describe('parseFrame fields', () => {
  it('decodes the Appendix A example: header, Flag bits and CP', () => {
    const frame = parseFrame(`${PUBLIC_FRAMES[0]!.frame}\r\n`);
    expect(frame).toMatchObject({
      qn: '20160801085857223',
      st: '32',
      cn: '1062',
      pw: '100000',
      mn: '010000A8900016F000169DC0',
      flag: { value: 5, versionBits: 1, version: '2017', split: false, needsAck: true },
      version: '2017',
      pnum: null,
      pno: null,
      resend: false,
      dataLength: 101,
      crc: '1C80',
    });
    expect(frame.cp.params).toEqual({ RtdInterval: '30' });
    expect(frame.cp.dataTime).toBeNull();
  });

  it('keeps values as the strings sent and groups sub-fields per factor (flash520 2051 frame)', () => {
    const entry = PUBLIC_FRAMES.find((candidate) => candidate.frame.endsWith('D641'))!;
    const frame = parseFrame(`${entry.frame}\r\n`);
    expect(frame.cp.dataTime).toBe('20220513162600');
    expect(frame.cp.factors['a21005']).toEqual({ Avg: '0.427', Flag: 'N' });
    expect(frame.cp.factors['a05024']).toEqual({ Avg: '63', Flag: 'N' });
    expect(Object.keys(frame.cp.factors)).toHaveLength(11);
    expect(cpGroups(frame.cp.text)[1]).toEqual([
      { key: 'a21004-Avg', value: '4' },
      { key: 'a21004-Flag', value: 'N' },
    ]);
  });

  it('reads Cou, Min, Avg, Max and negative values (CEMS 2061 frame)', () => {
    const entry = PUBLIC_FRAMES.find((candidate) => candidate.frame.endsWith('0E40'))!;
    const frame = parseFrame(`${entry.frame}\r\n`);
    expect(frame.cp.factors['a00000']).toEqual({ Cou: '19191.973', Min: '5.051', Avg: '5.331', Max: '5.617', Flag: 'N' });
    expect(frame.cp.factors['a01013']?.Min).toBe('-0.041');
  });

  it('reads 2005-style uploads: no QN, no Flag, old codes and ZsRtd', () => {
    const entry = PUBLIC_FRAMES.find((candidate) => candidate.frame.startsWith('##0372'))!;
    const frame = parseFrame(`${entry.frame}\r\n`);
    expect(frame.flag).toBeNull();
    expect(frame.version).toBe('2005');
    expect(frame.qn).toBe('20180315134456001');
    expect(frame.cp.factors['01']).toEqual({ Rtd: '25.2100', ZsRtd: '63.6616', Flag: 'N' });
    const noQn = parseFrame(`${PUBLIC_FRAMES.find((candidate) => candidate.frame.startsWith('##0213ST='))!.frame}\r\n`);
    expect(noQn.qn).toBeNull();
    expect(noQn.cp.factors['B01']).toEqual({ Rtd: '0.000' });
  });

  it('reads facility running states SBx-RS', () => {
    const frame = parseFrame(`${PUBLIC_FRAMES.find((candidate) => candidate.frame.startsWith('##0144'))!.frame}\r\n`);
    expect(frame.cp.factors['SB3']).toEqual({ RS: '0' });
    expect(frame.cn).toBe('2021');
  });

  it('decodes the 2025 Flag=9 example as version 2025 with ack', () => {
    const frame = parseFrame(`${PUBLIC_FRAMES[1]!.frame}\r\n`);
    expect(frame.version).toBe('2025');
    expect(frame.flag?.needsAck).toBe(true);
    expect(cpGroups(frame.cp.text)).toEqual([]);
  });

  it('keeps //…// texts opaque even when they hold ; , = and Chinese', () => {
    const text = parseFrame(frameOf(`${HEADER.replace('2011', '3020')};CP=&&DataTime=20240101000000;i11001-Info=//清洗;管路,a=b//,i11001-Flag=N;i12001-Info=1&&`));
    expect(text.cp.factors['i11001']).toEqual({ Info: '//清洗;管路,a=b//', Flag: 'N' });
    expect(text.cp.factors['i12001']).toEqual({ Info: '1' });
  });

  it('tells non-ASCII factor codes and names apart, which the byte scan sees only as "not ASCII"', () => {
    const frame = parseFrame(frameOf(`${HEADER};CP=&&甲-Rtd=1,乙-Rtd=2,甲-Flag=N;丙号=3;丁号=4;甲-Avg=5&&`));
    expect(frame.cp.factors).toEqual({ 甲: { Rtd: '1', Flag: 'N', Avg: '5' }, 乙: { Rtd: '2' } });
    expect(frame.cp.params).toEqual({ 丙号: '3', 丁号: '4' });
    expect(reason(frameOf(`${HEADER};CP=&&甲-Rtd=1,乙-Rtd=2,甲-Rtd=3&&`))).toBe('bad_cp_item');
  });

  it('gives the same factors whichever frames came before (codes are remembered across frames)', () => {
    const segments = ['a34004-Rtd=1,a34004-Flag=N;x\u0080-Rtd=2', 'x€-Rtd=3;a34004-Rtd=4', 'a34004-Rtd=5;b-Rtd=6;a34004-Rtd=7'];
    const expected = [{ a34004: { Rtd: '1', Flag: 'N' }, 'x\u0080': { Rtd: '2' } }, { 'x€': { Rtd: '3' }, a34004: { Rtd: '4' } }];
    for (let round = 0; round < 2; round++) {
      expect(parseFrame(frameOf(`${HEADER};CP=&&${segments[0]}&&`)).cp.factors).toEqual(expected[0]);
      expect(parseFrame(frameOf(`${HEADER};CP=&&${segments[1]}&&`)).cp.factors).toEqual(expected[1]);
      expect(reason(frameOf(`${HEADER};CP=&&${segments[2]}&&`))).toBe('bad_cp_item');
    }
  });

  it('drops the stray spaces the standard’s own examples contain', () => {
    const frame = parseFrame(frameOf(`${HEADER};CP=&& PolId=w01018 , DataTime=20240101000000 &&`));
    expect(frame.cp.params).toEqual({ PolId: 'w01018', DataTime: '20240101000000' });
  });

  it('reads PNUM/PNO in either order and with or without leading zeros', () => {
    const frame = parseFrame(frameOf(`${HEADER.replace('Flag=5', 'Flag=7')};PNO=0001;PNUM=2;CP=&&DataTime=20240101000000&&`));
    expect([frame.pnum, frame.pno, frame.flag?.split]).toEqual([2, 1, true]);
  });

  it('reads RF=1 as re-sent data (HJ 212-2025)', () => {
    const frame = parseFrame(frameOf(`${HEADER.replace('Flag=5', 'Flag=9')};RF=1;CP=&&DataTime=20240101000000&&`));
    expect(frame.resend).toBe(true);
  });

  it('keeps codes named like Object members as ordinary factors and params, touching nothing shared', () => {
    // A device controls every code: `constructor` or `toString` must not reach Object's own members.
    const frame = parseFrame(
      frameOf(`${HEADER};CP=&&DataTime=20240101000000;toString=1;constructor-Rtd=5,constructor-Flag=N;a01-toString=2,a01-valueOf=3&&`),
    );
    expect(frame.cp.factors.constructor).toEqual({ Rtd: '5', Flag: 'N' });
    expect(frame.cp.factors.a01).toEqual({ toString: '2', valueOf: '3' });
    expect(frame.cp.params.toString).toBe('1');
    expect(Object.hasOwn(Object, 'Rtd')).toBe(false);
    expect(Object.hasOwn(Object.prototype, 'Rtd')).toBe(false);
  });

  it('accepts bytes as well as strings', () => {
    const bytes = encodeFrame({ qn: '20240101000000000', st: '22', cn: '2011', pw: '123456', mn: 'MN01', flag: 5, cp: { dataTime: '20240101000000' } });
    expect(parseFrame(bytes).mn).toBe('MN01');
  });
});

describe('parseFrame reason codes (first failing check wins)', () => {
  const good = frameOf(`${HEADER};CP=&&DataTime=20240101000000;a34004-Rtd=12,a34004-Flag=N&&`);

  it('accepts the reference frame', () => {
    expect(reason(good)).toBe('ok');
  });

  it.each<[string, string | Uint8Array, string]>([
    ['no ##', good.slice(1), 'bad_header'],
    ['empty input', '', 'truncated'],
    ['length not digits', `##01a1${good.slice(6)}`, 'bad_length_field'],
    ['input ends early', good.slice(0, 60), 'truncated'],
    ['no CR LF', good.slice(0, -2), 'missing_tail'],
    ['only CR', good.slice(0, -1), 'missing_tail'],
    ['length one too small', `##${String(Number(good.slice(2, 6)) - 1).padStart(4, '0')}${good.slice(6)}`, 'length_mismatch'],
    ['length one too large', `##${String(Number(good.slice(2, 6)) + 1).padStart(4, '0')}${good.slice(6)}`, 'length_mismatch'],
    ['length far too large', `##${String(Number(good.slice(2, 6)) + 50).padStart(4, '0')}${good.slice(6)}`, 'length_mismatch'],
    ['length far too large, no tail', `##${String(Number(good.slice(2, 6)) + 50).padStart(4, '0')}${good.slice(6, -2)}`, 'truncated'],
    ['bytes after the frame', `${good}x`, 'length_mismatch'],
    ['segment over 1024', frameOf(`${HEADER};CP=&&x=${'1'.repeat(1020)}&&`), 'data_segment_too_long'],
    ['CRC not hex', frameOf(`${HEADER};CP=&&&&`, { crc: '12G4' }), 'bad_crc_format'],
    ['CRC not hex', frameOf(`${HEADER};CP=&&&&`).replace(/([0-9A-F]{4})\r\n$/, 'G0A1\r\n'), 'bad_crc_format'],
    ['CRC wrong', frameOf(`${HEADER};CP=&&&&`, { crc: '0000' }), 'bad_crc'],
    ['not UTF-8', (() => {
      const segment = new TextEncoder().encode(`${HEADER};CP=&&x=\u00ff&&`);
      const bytes = Uint8Array.from(segment.filter((byte) => byte !== 0xc3));
      const crc = formatCrc(crc16Hj212(bytes));
      const head = new TextEncoder().encode(`##${String(bytes.length).padStart(4, '0')}`);
      return Uint8Array.from([...head, ...bytes, ...new TextEncoder().encode(`${crc}\r\n`)]);
    })(), 'bad_encoding'],
    ['no CP', frameOf(HEADER), 'cp_missing'],
    ['CP not closed', frameOf(`${HEADER};CP=&&DataTime=20240101000000`), 'cp_bad_delimiters'],
    ['CP= && only', frameOf(`${HEADER};CP=&&`), 'cp_bad_delimiters'],
    ['// text not closed', frameOf(`${HEADER};CP=&&i11001-Info=//abc&&`), 'cp_bad_delimiters'],
    ['text after //…//', frameOf(`${HEADER};CP=&&i11001-Info=//abc//x&&`), 'cp_bad_delimiters'],
    ['header item without =', frameOf(`QN=20160801085857223;ST=32;CN;PW=1;MN=1;Flag=5;CP=&&&&`), 'bad_header_field'],
    ['header field repeated', frameOf(`${HEADER};ST=32;CP=&&&&`), 'bad_header_field'],
    ['unknown header field (strict)', frameOf(`${HEADER};XX=1;CP=&&&&`), 'bad_header_field'],
    ['MN missing', frameOf('QN=20160801085857223;ST=32;CN=2011;PW=123456;Flag=5;CP=&&&&'), 'missing_required_field'],
    ['ST missing', frameOf('QN=20160801085857223;CN=2011;PW=123456;MN=1;Flag=5;CP=&&&&'), 'missing_required_field'],
    ['QN missing in a 2017 frame', frameOf('ST=32;CN=2011;PW=123456;MN=1;Flag=5;CP=&&&&'), 'missing_required_field'],
    ['QN not 17 digits', frameOf(HEADER.replace('QN=20160801085857223', 'QN=2016080108585722') + ';CP=&&&&'), 'bad_field_value'],
    ['CN not 4 digits', frameOf(HEADER.replace('CN=2011', 'CN=201') + ';CP=&&&&'), 'bad_field_value'],
    ['ST lower case', frameOf(HEADER.replace('ST=32', 'ST=a1') + ';CP=&&&&'), 'bad_field_value'],
    ['MN longer than 24', frameOf(HEADER.replace('MN=010000A8900016F000169DC0', `MN=${'A'.repeat(25)}`) + ';CP=&&&&'), 'bad_field_value'],
    ['MN with a space', frameOf(HEADER.replace('MN=010000A8900016F000169DC0', 'MN=AB CD') + ';CP=&&&&'), 'bad_field_value'],
    ['MN with &', frameOf(HEADER.replace('MN=010000A8900016F000169DC0', 'MN=AB&CD') + ';CP=&&&&'), 'bad_field_value'],
    ['RF other than 1', frameOf(`${HEADER.replace('Flag=5', 'Flag=9')};RF=0;CP=&&&&`), 'bad_field_value'],
    ['Flag not a number', frameOf(HEADER.replace('Flag=5', 'Flag=x') + ';CP=&&&&'), 'bad_flag'],
    ['Flag over 255', frameOf(HEADER.replace('Flag=5', 'Flag=256') + ';CP=&&&&'), 'bad_flag'],
    ['Flag of unknown version 3', frameOf(HEADER.replace('Flag=5', 'Flag=13') + ';CP=&&&&'), 'bad_flag'],
    ['D set without PNUM/PNO', frameOf(HEADER.replace('Flag=5', 'Flag=7') + ';CP=&&&&'), 'missing_pnum_pno'],
    ['PNUM without PNO', frameOf(HEADER.replace('Flag=5', 'Flag=7') + ';PNUM=2;CP=&&&&'), 'missing_pnum_pno'],
    ['PNO beyond PNUM', frameOf(HEADER.replace('Flag=5', 'Flag=7') + ';PNUM=2;PNO=3;CP=&&&&'), 'bad_field_value'],
    ['CP item without =', frameOf(`${HEADER};CP=&&DataTime&&`), 'bad_cp_item'],
    ['CP item with empty key', frameOf(`${HEADER};CP=&&=1&&`), 'bad_cp_item'],
    ['CP key without suffix', frameOf(`${HEADER};CP=&&a34004-=1&&`), 'bad_cp_item'],
    ['CP key repeated (strict)', frameOf(`${HEADER};CP=&&a34004-Rtd=1;a34004-Rtd=2&&`), 'bad_cp_item'],
    ['CP key __proto__', frameOf(`${HEADER};CP=&&__proto__=1&&`), 'bad_cp_item'],
  ])('%s → %s', (_name, input, expected) => {
    expect(reason(input)).toBe(expected);
  });

  it('throws Hj212FrameError from parseFrame with the same code', () => {
    expect(() => parseFrame('nonsense')).toThrow(Hj212FrameError);
    try {
      parseFrame(frameOf(`${HEADER};CP=&&&&`, { crc: '0000' }));
    } catch (error) {
      expect((error as Hj212FrameError).code).toBe('bad_crc');
    }
  });
});

describe('per-device options', () => {
  const chinese = { qn: '20240101000000000', st: '32', cn: '3020', pw: '123456', mn: 'MN01', flag: 4, cp: { groups: [[{ key: 'i11001-Info', value: '//清洗管路//' }]] } };

  it('counts UTF-8 bytes by default, characters only when allowed', () => {
    const byCharacters = encodeFrame(chinese, { lengthUnit: 'characters' });
    const byBytes = encodeFrame(chinese);
    expect(reason(byBytes)).toBe('ok');
    expect(reason(byCharacters)).toBe('length_mismatch');
    expect(reason(byCharacters, hj212Options({ lengthUnit: 'characters' }))).toBe('ok');
    expect(reason(byCharacters, HJ212_TOLERANT)).toBe('ok');
    expect(reason(byBytes, HJ212_TOLERANT)).toBe('ok');
    expect(reason(byBytes, hj212Options({ lengthUnit: 'characters' }))).toBe('length_mismatch');
  });

  it('accepts lower-case CRCs by default and still checks them; crcCase upper holds a link to the letter', () => {
    const lower = encodeFrame(chinese, { crcCase: 'lower' });
    expect(reason(lower)).toBe('ok');
    expect(reason(lower, hj212Options({ crcCase: 'upper' }))).toBe('bad_crc_format');
    const text = new TextDecoder().decode(lower);
    const wrongDigit = text.replace(/([0-9a-f])([0-9a-f]{3})\r\n$/, (_, first: string, rest: string) => `${first === 'a' ? 'b' : 'a'}${rest}\r\n`);
    expect(reason(wrongDigit)).toBe('bad_crc');
  });

  it('accepts segments over 1024 up to maxDataLength', () => {
    const long = encodeFrame({ ...chinese, cp: { params: { x: '1'.repeat(1100) } } }, { maxDataLength: 9999 });
    expect(reason(long)).toBe('data_segment_too_long');
    expect(reason(long, HJ212_TOLERANT)).toBe('ok');
    expect(reason(long, hj212Options({ maxDataLength: 1100 }))).toBe('data_segment_too_long');
  });

  it('requires QN/Flag under a 2017 profile but not under the 2005 profile', () => {
    const old = frameOf('ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817;011-Rtd=231.0&&');
    expect(reason(old)).toBe('ok');
    expect(reason(old, hj212Options({ profile: '2017' }))).toBe('missing_required_field');
    expect(reason(old, hj212Options({ profile: '2005' }))).toBe('ok');
    expect(reason(old, hj212Options({ profile: '2017', mode: 'tolerant' }))).toBe('ok');
  });

  it('rejects a version other than the profile in strict mode only', () => {
    const v2025 = frameOf(HEADER.replace('Flag=5', 'Flag=9') + ';CP=&&&&');
    expect(reason(v2025, hj212Options({ profile: '2017' }))).toBe('version_mismatch');
    expect(reason(v2025, hj212Options({ profile: '2025' }))).toBe('ok');
    expect(reason(v2025, hj212Options({ profile: '2017', mode: 'tolerant' }))).toBe('ok');
  });

  it('accepts a missing tail in tolerant mode', () => {
    const noTail = frameOf(`${HEADER};CP=&&&&`, { tail: '' });
    expect(reason(noTail)).toBe('missing_tail');
    expect(reason(noTail, HJ212_TOLERANT)).toBe('ok');
    expect(reason(frameOf(`${HEADER};CP=&&&&`, { tail: '\n' }), HJ212_TOLERANT)).toBe('ok');
  });

  it('lets the last repeated CP key win in tolerant mode, keeping both in groups', () => {
    const frame = parseFrame(frameOf(`${HEADER};CP=&&a34004-Rtd=1;a34004-Rtd=2&&`), HJ212_TOLERANT);
    expect(frame.cp.factors['a34004']?.Rtd).toBe('2');
    expect(cpGroups(frame.cp.text)).toHaveLength(2);
  });

  it('decodes GB18030 segments when configured', () => {
    const segment = `${HEADER.replace('CN=2011', 'CN=3020')};CP=&&i11001-Info=//清洗//&&`;
    const gb = Uint8Array.from([...new TextEncoder().encode(segment.slice(0, segment.indexOf('清')))
      , 0xc7, 0xe5, 0xcf, 0xb4, ...new TextEncoder().encode('//&&')]);
    const crc = new TextEncoder().encode(formatCrc(crc16Hj212(gb)));
    const frame = Uint8Array.from([...new TextEncoder().encode(`##${String(gb.length).padStart(4, '0')}`), ...gb, ...crc, 13, 10]);
    expect(reason(frame)).toBe('bad_encoding');
    expect(parseFrame(frame, hj212Options({ textEncoding: 'gb18030' })).cp.factors['i11001']?.Info).toBe('//清洗//');
  });

  it('accepts settings objects as well as resolved options', () => {
    expect(reason(encodeFrameToString(chinese, { crcCase: 'lower' }), hj212Options({ mode: 'tolerant' }))).toBe('ok');
    expect(tryParseFrame(encodeFrameToString(chinese, { crcCase: 'lower' }), { mode: 'tolerant' }).ok).toBe(true);
    expect(tryParseFrame(encodeFrameToString(chinese, { crcCase: 'lower' }), Object.freeze({ mode: 'tolerant' as const })).ok).toBe(true);
  });
});
