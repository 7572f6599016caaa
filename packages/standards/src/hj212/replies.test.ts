import { describe, expect, it } from 'vitest';
import { encodeFrameToString } from './encode-frame';
import { PUBLIC_FRAMES } from './fixtures/public-frames';
import { HJ212_TOLERANT } from './hj212-options';
import { parseFrame } from './parse-frame';
import { executionResponse, platformReplyFor, requestResponse } from './replies';

const frameEnding = (crc: string, length?: string) =>
  parseFrame(`${PUBLIC_FRAMES.find((entry) => entry.frame.endsWith(crc) && (!length || entry.frame.startsWith(`##${length}`)))!.frame}\r\n`, HJ212_TOLERANT);

describe('platform replies (HJ 212-2017 §6.5, Appendix C)', () => {
  it('answers a 2011 upload with Flag=5 by a 9014 echoing QN, PW and MN, Flag=4, CP=&&&& (C.14 shape)', () => {
    const reply = platformReplyFor(frameEnding('F441'));
    expect(encodeFrameToString(reply!)).toMatch(/^##\d{4}QN=20231008123340461;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&[0-9A-F]{4}\r\n$/);
  });

  it('answers under HJ 212-2025 with Flag=8, reproducing a public 9014 frame exactly', () => {
    const upload = { ...frameEnding('7d00'), qn: '20260706103512345', mn: 'A110000_0001' };
    const reply = platformReplyFor(upload)!;
    expect(reply).toBeNull();
    const acked = platformReplyFor({ ...upload, flag: { ...upload.flag!, value: 9, needsAck: true } })!;
    expect(encodeFrameToString(acked)).toBe(`${PUBLIC_FRAMES.find((entry) => entry.frame.endsWith('0140'))!.frame}\r\n`);
  });

  it('does not answer when the A bit is clear, when there is no Flag or no QN, or for responses', () => {
    expect(platformReplyFor(frameEnding('D641'))).toBeNull();
    expect(platformReplyFor(frameEnding('47C0', '0213'))).toBeNull();
    expect(platformReplyFor(frameEnding('0140'))).toBeNull();
  });

  it.each(['9015', '1001'])('answers a HJ 212-2025 %s (heartbeat, hardware serial) with 9013', (cn) => {
    expect(platformReplyFor({ ...frameEnding('F441'), cn })?.cn).toBe('9013');
  });

  it('answers a 1013 time-calibration request with 9013', () => {
    const notification = { ...frameEnding('F441'), cn: '1013' };
    expect(platformReplyFor(notification)?.cn).toBe('9013');
  });

  it('builds 9011 with QnRtn and 9012 with ExeRtn, as a station answers a request', () => {
    const request = frameEnding('1C80');
    expect(encodeFrameToString(requestResponse(request, 1))).toContain(';ST=91;CN=9011;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&QnRtn=1&&');
    expect(encodeFrameToString(executionResponse(request, 100))).toContain(';CN=9012;PW=100000;MN=010000A8900016F000169DC0;Flag=4;CP=&&ExeRtn=100&&');
    expect(() => requestResponse(request, 42 as 1)).toThrow(RangeError);
  });

  it('reproduces the public 9011 frame byte for byte', () => {
    const request = { ...frameEnding('1C80'), qn: '20231008125115215', pw: '123456' };
    const reply = { ...requestResponse(request, 1), st: '22' };
    expect(encodeFrameToString(reply)).toBe(`${PUBLIC_FRAMES.find((entry) => entry.frame.endsWith('CC01'))!.frame}\r\n`);
  });
});
