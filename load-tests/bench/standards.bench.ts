/**
 * `@ecogrid/standards` speed: HJ 212 frames parsed per second beside `JSON.parse` of the same data as JSON,
 * measured in the same run; and `FrameDecoder` throughput over a 100 MiB stream fed in 64 KiB chunks.
 * Single thread, bounded in time, stops by itself.
 */
import { encodeFrame, FrameDecoder, hj212Options, parseFrame, type Hj212Frame } from '@ecogrid/standards';
import type { BenchMetrics, BenchModule } from './bench-types';

const FACTORS: Record<string, { Rtd: string; Flag: string }> = {
  a34004: { Rtd: '35', Flag: 'N' },
  a34002: { Rtd: '68', Flag: 'N' },
  a21026: { Rtd: '12', Flag: 'N' },
  a21004: { Rtd: '41', Flag: 'N' },
  a21005: { Rtd: '0.823', Flag: 'N' },
  a05024: { Rtd: '87', Flag: 'N' },
  a01001: { Rtd: '12.6', Flag: 'N' },
  a01002: { Rtd: '45', Flag: 'N' },
};

function typicalFrame(sequence: number): Uint8Array {
  const qn = `20260301085857${String(sequence % 1000).padStart(3, '0')}`;
  return encodeFrame({ qn, st: '22', cn: '2011', pw: '123456', mn: '010000A8900016F000169DC0', flag: 5, cp: { dataTime: '20260301085800', factors: FACTORS } });
}

/** The same data as the frame, as JSON: what a JSON-speaking device would send. */
function sameDataAsJson(frame: Hj212Frame): string {
  return JSON.stringify({ QN: frame.qn, ST: frame.st, CN: frame.cn, PW: frame.pw, MN: frame.mn, Flag: frame.flag?.value, CP: { DataTime: frame.cp.dataTime, ...frame.cp.factors } });
}

/** Calls per second of `work` over about `millis`, checking the clock every 1000 calls. */
function rate(work: () => number, millis: number): { perSecond: number; sink: number } {
  let calls = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(millis) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let index = 0; index < 1000; index++) sink += work();
    calls += 1000;
    elapsed = process.hrtime.bigint() - start;
  }
  return { perSecond: calls / (Number(elapsed) / 1e9), sink };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function measureParse(): { parse: number; json: number; frameBytes: number; jsonBytes: number; sink: number } {
  const options = hj212Options({ mode: 'strict' });
  const bytes = typicalFrame(223);
  const json = sameDataAsJson(parseFrame(bytes, options));
  const parseOnce = () => parseFrame(bytes, options).dataLength;
  const jsonOnce = () => (JSON.parse(json) as { CP: object }).CP === null ? 0 : 1;
  rate(parseOnce, 300);
  rate(jsonOnce, 300);
  const parses: number[] = [];
  const jsons: number[] = [];
  let sink = 0;
  // Interleaved rounds so both figures see the same machine load; the median discards a disturbed round.
  for (let round = 0; round < 7; round++) {
    const p = rate(parseOnce, 400);
    const j = rate(jsonOnce, 400);
    parses.push(p.perSecond);
    jsons.push(j.perSecond);
    sink += p.sink + j.sink;
  }
  return { parse: median(parses), json: median(jsons), frameBytes: bytes.length, jsonBytes: Buffer.byteLength(json), sink };
}

function measureDecoder(): { mbPerSecond: number; framesPerSecond: number; frames: number; rejected: number } {
  const totalBytes = 100 * 1024 * 1024;
  const chunkBytes = 64 * 1024;
  // One MiB of distinct frames, replayed until 100 MiB have gone through; chunks cut frames at arbitrary bytes.
  const frames: Uint8Array[] = [];
  let blockLength = 0;
  for (let sequence = 0; blockLength < 1024 * 1024; sequence++) {
    const frame = typicalFrame(sequence);
    frames.push(frame);
    blockLength += frame.length;
  }
  const block = new Uint8Array(blockLength);
  let offset = 0;
  for (const frame of frames) {
    block.set(frame, offset);
    offset += frame.length;
  }
  const decoder = new FrameDecoder({ hj212: hj212Options({ mode: 'strict' }) });
  let fed = 0;
  let decoded = 0;
  let rejected = 0;
  const start = process.hrtime.bigint();
  while (fed < totalBytes) {
    for (let at = 0; at < block.length; at += chunkBytes) {
      for (const result of decoder.push(block.subarray(at, Math.min(at + chunkBytes, block.length)))) {
        if (result.ok) decoded++;
        else rejected++;
      }
    }
    fed += block.length;
  }
  for (const result of decoder.end()) if (!result.ok) rejected++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const expected = frames.length * (fed / block.length);
  if (decoded !== expected || rejected !== 0) throw new Error(`decoder lost frames: ${decoded}/${expected}, ${rejected} rejected`);
  return { mbPerSecond: fed / 1024 / 1024 / seconds, framesPerSecond: decoded / seconds, frames: decoded, rejected };
}

const bench: BenchModule = {
  title: 'Standards: HJ 212 codec',
  async run(): Promise<BenchMetrics> {
    const parse = measureParse();
    const decoder = measureDecoder();
    return {
      hj212_parse_frames_per_s: {
        value: Math.round(parse.parse),
        unit: 'frames/s',
        baseline: 'json_parse_same_data_per_s',
        target: '>= 300000, and >= 0.5 × baseline',
        note: `parseFrame (strict, full CP parse) of a ${parse.frameBytes}-byte 2011 frame with 8 factors, from bytes, single thread; median of 7 interleaved 0.4 s rounds`,
      },
      json_parse_same_data_per_s: {
        value: Math.round(parse.json),
        unit: 'parses/s',
        note: `JSON.parse of the same data as a ${parse.jsonBytes}-byte JSON string, same rounds`,
      },
      hj212_decoder_mb_per_s: {
        value: Math.round(decoder.mbPerSecond * 10) / 10,
        unit: 'MiB/s',
        note: `FrameDecoder over a 100 MiB in-memory stream in 64 KiB chunks (frames split across chunks), ${decoder.frames} frames, all parsed`,
      },
      hj212_decoder_frames_per_s: {
        value: Math.round(decoder.framesPerSecond),
        unit: 'frames/s',
        target: '>= 20000 (whole ingest service, 2 cores)',
        note: 'the same 100 MiB run, frames decoded and fully parsed per second',
      },
    };
  },
};

export default bench;
