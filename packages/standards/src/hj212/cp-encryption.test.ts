import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc16Hj212, formatCrc } from './crc16';
import {
  CP_ENCRYPTION_ANNEX_A2,
  decryptCpText,
  encodeEncryptedFrame,
  encryptCpText,
  isEncryptedCommand,
  openEncryptedFrame,
  type CpEncryption,
} from './cp-encryption';
import { buildDataSegment, encodeFrame, type Hj212FrameInput } from './encode-frame';
import { FrameDecoder, type Hj212DecodeResult } from './frame-decoder';
import { Hj212FrameError } from './hj212-error';
import { hj212Options } from './hj212-options';
import { parseFrame } from './parse-frame';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
/** Annex A.2's example key: "密钥使用16个0x30", i.e. the 16 characters `0000000000000000`. */
const ANNEX_KEY = new Uint8Array(16).fill(0x30);
const OTHER_KEY = ascii('K7pQ2vX9mR4tW8zB');

const LAYOUTS: ReadonlyArray<Omit<CpEncryption, 'key' | 'previousKeys'>> = (['braces', 'hex', 'base64'] as const).flatMap((encoding) =>
  (['none', 'pkcs7'] as const).flatMap((padding) =>
    (['plaintext', 'transmitted'] as const).flatMap((lengthCounts) => (['plaintext', 'transmitted'] as const).map((crcOver) => ({ encoding, padding, lengthCounts, crcOver }))),
  ),
);
const describeLayout = (layout: Omit<CpEncryption, 'key'>): string => `${layout.encoding}/${layout.padding}/length ${layout.lengthCounts}/CRC ${layout.crcOver}`;

const MINUTE_RECORD: Hj212FrameInput = {
  qn: '20260105102100123',
  st: '22',
  cn: '2051',
  pw: '123456',
  mn: '010000A8900016F000169DC0',
  flag: 9,
  cp: { dataTime: '20260105102000', factors: { a34004: { Avg: '35.2', Flag: 'N' }, a21026: { Avg: '12', Flag: 'N' }, a01001: { Avg: '-3.5', Flag: 'N' } } },
};

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof Hj212FrameError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('SM4 against the published examples', () => {
  it('opens the Annex A.2 ciphertext as the standard prints it: key 16 × 0x30, first bytes 0xE4,0x3E', () => {
    // Two independent third-party codecs quote Annex A.2's encrypted CP as `CP=&&{0xE4,0x3E,…`; their plaintext
    // starts with DataTime of 2024-05-2x. SM4-ECB of its first block gives exactly those bytes, in cipher order.
    expect(encryptCpText('DataTime=2024052', { key: ANNEX_KEY, ...CP_ENCRYPTION_ANNEX_A2 })).toMatch(/^\{0xE4,0x3E,0x15,0x9A,(0x[0-9A-F]{2},){11}0x[0-9A-F]{2}\}$/);
  });

  it('matches the Annex H.1.2 example quoted in a public codec (SM4-ECB, PKCS#7, base64)', () => {
    const settings = { key: ascii('msbE74gsiSHSEh5e'), encoding: 'base64', padding: 'pkcs7' } as const;
    expect(encryptCpText('testuser:AezF0nZRs4kypuGO', settings)).toBe('LG/m7lsFU/taig+vbQsDJXy4NGAaE2j2lplPwhZM7iM=');
    expect(decryptCpText('LG/m7lsFU/taig+vbQsDJXy4NGAaE2j2lplPwhZM7iM=', settings.key, settings)).toBe('testuser:AezF0nZRs4kypuGO');
  });

  it('keeps a final part shorter than a block in plaintext, after the ciphertext (NoPadding, §6.4)', () => {
    const wire = encryptCpText('DataTime=20260105102000;a34004-Avg=35.2,a34004-Flag=N', { key: ANNEX_KEY, ...CP_ENCRYPTION_ANNEX_A2 });
    // 53 bytes: three blocks encrypted, 5 bytes left as they are.
    expect(wire).toMatch(/^\{(0x[0-9A-F]{2},){47}0x[0-9A-F]{2}\}lag=N$/);
    expect(decryptCpText(wire, ANNEX_KEY, CP_ENCRYPTION_ANNEX_A2)).toBe('DataTime=20260105102000;a34004-Avg=35.2,a34004-Flag=N');
  });

  it('builds the frame as Annex A.2 does: CRC and length of the plaintext segment, the CP replaced by ciphertext', () => {
    const frame = latin1(encodeEncryptedFrame(MINUTE_RECORD, { key: ANNEX_KEY, ...CP_ENCRYPTION_ANNEX_A2 }));
    const plain = buildDataSegment(MINUTE_RECORD);
    expect(frame.slice(2, 6)).toBe(String(plain.length).padStart(4, '0'));
    expect(frame.slice(-6, -2)).toBe(formatCrc(crc16Hj212(ascii(plain))));
    expect(frame).toContain('Flag=9;CP=&&{0x');
    expect(frame.length - 12).toBeGreaterThan(plain.length);
  });
});

describe('encrypted frames, every layout', () => {
  for (const layout of LAYOUTS) {
    it(`${describeLayout(layout)}: round trip, wrong key refused, previous key accepted`, () => {
      const settings: CpEncryption = { key: ANNEX_KEY, ...layout };
      const sent = encodeEncryptedFrame(MINUTE_RECORD, settings);
      const opened = openEncryptedFrame(sent, settings);
      expect(opened.keyIndex).toBe(0);
      expect(latin1(opened.frame)).toBe(latin1(encodeFrame(MINUTE_RECORD)));
      expect(parseFrame(opened.frame, hj212Options({ profile: '2025' })).cp.factors.a34004).toEqual({ Avg: '35.2', Flag: 'N' });

      expect(codeOf(() => openEncryptedFrame(sent, { ...settings, key: OTHER_KEY }))).toBe('decrypt_failed');
      expect(openEncryptedFrame(sent, { ...settings, key: OTHER_KEY, previousKeys: [ANNEX_KEY] }).keyIndex).toBe(1);
    });
  }

  it('any key, any CP length: opens to the frame that was encrypted, under every layout', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.constantFrom(...LAYOUTS), fc.integer({ min: 0, max: 25 }), (key, layout, factors) => {
        const input: Hj212FrameInput = {
          ...MINUTE_RECORD,
          cp: { dataTime: '20260105102000', factors: Object.fromEntries(Array.from({ length: factors }, (_, index) => [`a${String(index).padStart(5, '0')}`, { Avg: String(index * 1.5), Flag: 'N' }])) },
        };
        const settings: CpEncryption = { key, ...layout };
        expect(latin1(openEncryptedFrame(encodeEncryptedFrame(input, settings), settings).frame)).toBe(latin1(encodeFrame(input)));
      }),
      { numRuns: 300 },
    );
  });

  it('says what is wrong with a damaged frame', () => {
    const transmittedCrc: CpEncryption = { key: ANNEX_KEY, ...CP_ENCRYPTION_ANNEX_A2, crcOver: 'transmitted', lengthCounts: 'transmitted' };
    const sent = latin1(encodeEncryptedFrame(MINUTE_RECORD, transmittedCrc));
    expect(codeOf(() => openEncryptedFrame(ascii(sent.replace('0x', '0y')), transmittedCrc))).toBe('bad_crc');
    expect(codeOf(() => openEncryptedFrame(ascii(`##9999${sent.slice(6)}`), transmittedCrc))).toBe('length_mismatch');
    expect(codeOf(() => openEncryptedFrame(ascii(sent.slice(0, -2)), transmittedCrc))).toBe('missing_tail');
    // With the CRC over the plaintext, a byte damaged in transit cannot be told from a wrong key.
    const annex: CpEncryption = { key: ANNEX_KEY, ...CP_ENCRYPTION_ANNEX_A2 };
    const annexFrame = latin1(encodeEncryptedFrame(MINUTE_RECORD, annex));
    const damaged = annexFrame.replace(/0x([0-9A-F])([0-9A-F]),/, (_, high: string, low: string) => `0x${high}${low === 'F' ? 'E' : 'F'},`);
    expect(codeOf(() => openEncryptedFrame(ascii(damaged), annex))).toBe('decrypt_failed');
  });

  it('encrypts the CNs §6.4 names and no others', () => {
    expect(['2011', '2051', '2061', '2031', '2081', '1014', '3020'].every(isEncryptedCommand)).toBe(true);
    expect(['9015', '9011', '9012', '9013', '9014', '1001', '1011', '3019'].some(isEncryptedCommand)).toBe(false);
  });
});

describe('FrameDecoder on an encrypted link', () => {
  const annex: CpEncryption = { key: ANNEX_KEY, ...CP_ENCRYPTION_ANNEX_A2 };
  const heartbeat = encodeFrame({ qn: '20260105102101000', st: '22', cn: '9015', pw: '123456', mn: MINUTE_RECORD.mn, flag: 9, cp: {} });
  const record = encodeEncryptedFrame(MINUTE_RECORD, annex);
  const second = encodeEncryptedFrame({ ...MINUTE_RECORD, qn: '20260105103100123', cp: { dataTime: '20260105103000', factors: { a34004: { Avg: '41', Flag: 'N' } } } }, annex);
  const stream = Buffer.concat([heartbeat, record, Buffer.from('noise'), second]);
  // Garbage split across reads is reported once per read: counted as one here.
  const summary = (results: Hj212DecodeResult[]): string[] =>
    results
      .map((result) => (result.ok ? `${result.frame.cn} ${result.frame.qn} ${result.encrypted ? 'encrypted' : 'plain'}` : result.error.code))
      .filter((line, index, lines) => line !== 'garbage' || lines[index - 1] !== 'garbage');
  const decode = (chunks: Uint8Array[], lookup: (mn: string) => CpEncryption | undefined): string[] => {
    const decoder = new FrameDecoder({ hj212: hj212Options({ profile: '2025' }), encryption: (mn) => lookup(mn), keepRaw: true });
    const results: Hj212DecodeResult[] = [];
    for (const chunk of chunks) results.push(...decoder.push(chunk));
    results.push(...decoder.end());
    return summary(results);
  };

  it('frames plaintext and encrypted frames alike, however the stream is split', () => {
    const whole = decode([stream], () => annex);
    expect(whole).toEqual(['9015 20260105102101000 plain', '2051 20260105102100123 encrypted', 'garbage', '2051 20260105103100123 encrypted']);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let previous = 0;
        for (const point of [...points, stream.length]) {
          chunks.push(stream.subarray(previous, point));
          previous = point;
        }
        expect(decode(chunks, () => annex)).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a frame the key does not open as decrypt_failed, and reads on', () => {
    expect(decode([stream], () => ({ ...annex, key: OTHER_KEY }))).toEqual(['9015 20260105102101000 plain', 'decrypt_failed', 'garbage', 'decrypt_failed']);
  });

  it('leaves devices without a key to the length framing', () => {
    const plain = Buffer.concat([heartbeat, encodeFrame(MINUTE_RECORD)]);
    expect(decode([plain], () => undefined)).toEqual(['9015 20260105102101000 plain', '2051 20260105102100123 plain']);
  });
});
