import { describe, expect, it } from 'vitest';
import { CP_ENCRYPTION_ANNEX_A2, FrameDecoder, hj212Options, type Hj212Frame } from '@ecogrid/standards';
import { answerRequest, type DeviceControls } from './answer-request';
import { buildUpload } from './build-upload';
import type { SimulatedDevice } from './device';
import { encodeDeviceFrame } from './device-frame';

const KEY_0 = Buffer.alloc(16, 0x30);
const device = (): SimulatedDevice => ({
  mn: '140802SIM202500000000001',
  password: 'PW2025',
  systemCode: '22',
  category: 'ambient_air',
  profile: '2025',
  factors: [{ code: 'a34004' }],
  sm4: { key: KEY_0, ...CP_ENCRYPTION_ANNEX_A2 },
});

const decode = (bytes: Uint8Array, key: Uint8Array): Hj212Frame[] => {
  const decoder = new FrameDecoder({ hj212: hj212Options({ profile: '2025' }), encryption: () => ({ key, ...CP_ENCRYPTION_ANNEX_A2 }) });
  return decoder.push(bytes).flatMap((result) => (result.ok ? [result.frame] : []));
};

describe('a simulated HJ 212-2025 device with an SM4 key', () => {
  it('encrypts its data uploads and leaves heartbeats and replies in clear', () => {
    const simulated = device();
    const upload = buildUpload(simulated, { cn: '2011', qnMs: Date.UTC(2026, 11, 7, 0, 0, 0), dataTimeMs: Date.UTC(2026, 11, 7, 0, 0, 0), readings: [{ code: 'a34004', decimals: 1, value: 35.2, flag: 'N' }] });
    expect(Buffer.from(upload.bytes).toString('latin1')).toContain('CP=&&{0x');
    expect(decode(upload.bytes, KEY_0)[0]?.cp.factors.a34004?.Rtd).toBeDefined();
    expect(decode(upload.bytes, Buffer.from('AnotherKey123456'))).toEqual([]);
    const heartbeat = encodeDeviceFrame(simulated, { qn: '20261207080000000', st: '22', cn: '9015', pw: 'PW2025', mn: simulated.mn, flag: 9, cp: {} });
    expect(Buffer.from(heartbeat).toString('latin1')).toContain('CP=&&&&');
  });

  it('takes the key a 1014 hands it and confirms with 9012 ExeRtn=1; without a key it refuses 1014 as an unknown CN', () => {
    const simulated = device();
    let key: Uint8Array = KEY_0;
    const controls = { setSm4Key: (next: Uint8Array) => (key = next) } as unknown as DeviceControls;
    const request = decode(encodeDeviceFrame(simulated, { qn: '20261207080000001', st: '22', cn: '1014', pw: 'PW2025', mn: simulated.mn, flag: 9, cp: { params: { SKCreateTime: '20261207080000001', NewSK: 'Fresh!Key#2026ab' } } }), KEY_0)[0] as Hj212Frame;
    const outcome = answerRequest(simulated, request, controls);
    expect(outcome).toMatchObject({ qnRtn: 1, exeRtn: 1 });
    expect(Buffer.from(key).toString('latin1')).toBe('Fresh!Key#2026ab');
    expect(answerRequest({ ...simulated, sm4: undefined }, request, controls)).toMatchObject({ qnRtn: 8 });
  });
});
