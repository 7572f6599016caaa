import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

/**
 * patches/kafkajs@2.2.4.patch rewrites how kafkajs encodes one record (one exact-size buffer, headers in place,
 * no zero-filling). Kafka must receive the very bytes upstream kafkajs would send, so the patched encoder is
 * compared with upstream's own composition, built here from kafkajs's unpatched parts, and decoded back.
 */
interface KafkaEncoder {
  readonly buffer: Buffer;
  writeVarInt(value: number): KafkaEncoder;
  writeInt8(value: number): KafkaEncoder;
  writeVarLong(value: number): KafkaEncoder;
  writeVarIntBytes(value: Buffer | string | null): KafkaEncoder;
  writeVarIntArray(array: KafkaEncoder[]): KafkaEncoder;
}
type EncoderClass = (new (initialSize?: number) => KafkaEncoder) & {
  sizeOfVarInt(value: number): number;
  sizeOfVarLong(value: number): number;
  sizeOfVarIntBytes(value: Buffer | string | null): number;
};
type Headers = Record<string, Buffer | string | Array<Buffer | string>>;
interface RecordInput {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: Headers;
}
interface DecodedRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers: Record<string, Buffer | Buffer[]>;
}

const kafkajsRequire = createRequire(require.resolve('kafkajs'));
const Encoder = kafkajsRequire('./src/protocol/encoder') as EncoderClass;
const Decoder = kafkajsRequire('./src/protocol/decoder') as new (buffer: Buffer) => unknown;
const Record = kafkajsRequire('./src/protocol/recordBatch/record/v0') as (input: RecordInput) => KafkaEncoder;
const Header = kafkajsRequire('./src/protocol/recordBatch/header/v0') as (header: { key: string; value: Buffer | string }) => KafkaEncoder;
const decodeRecord = kafkajsRequire('./src/protocol/recordBatch/record/v0/decoder') as (
  decoder: unknown,
  context: { firstOffset: string; firstTimestamp: number; magicByte: number },
) => DecodedRecord;

/** kafkajs 2.2.4's own record encoding, as it was before the patch. */
function upstreamRecord({ offsetDelta, timestampDelta, key, value, headers }: RecordInput): Buffer {
  const headersArray = Object.keys(headers).flatMap((headerKey) => {
    const entry = headers[headerKey] as Buffer | string | Array<Buffer | string>;
    return Array.isArray(entry) ? entry.map((headerValue) => ({ key: headerKey, value: headerValue })) : [{ key: headerKey, value: entry }];
  });
  let headersSize = Encoder.sizeOfVarInt(headersArray.length);
  for (const header of headersArray) {
    const keySize = Buffer.byteLength(header.key);
    const valueSize = Buffer.byteLength(header.value);
    headersSize += Encoder.sizeOfVarInt(keySize) + keySize + Encoder.sizeOfVarInt(valueSize) + valueSize;
  }
  const sizeOfBody = 1 + Encoder.sizeOfVarLong(timestampDelta) + Encoder.sizeOfVarInt(offsetDelta) + Encoder.sizeOfVarIntBytes(key) + Encoder.sizeOfVarIntBytes(value) + headersSize;
  return new Encoder()
    .writeVarInt(sizeOfBody)
    .writeInt8(0)
    .writeVarLong(timestampDelta)
    .writeVarInt(offsetDelta)
    .writeVarIntBytes(key)
    .writeVarIntBytes(value)
    .writeVarIntArray(headersArray.map(Header)).buffer;
}

const bytesOrText = fc.oneof(fc.uint8Array({ maxLength: 3_000 }).map((bytes) => Buffer.from(bytes)), fc.string({ unit: 'binary', maxLength: 600 }));
// Header names that Object.prototype has are left out: kafkajs's decoder collects headers in a plain object.
const recordInput: fc.Arbitrary<RecordInput> = fc.record({
  offsetDelta: fc.nat({ max: 100_000 }),
  timestampDelta: fc.nat({ max: 10_000_000 }),
  key: fc.option(bytesOrText, { nil: null }),
  value: fc.option(bytesOrText, { nil: null }),
  headers: fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((key) => !(key in Object.prototype)), fc.oneof(bytesOrText, fc.array(bytesOrText, { minLength: 1, maxLength: 3 })), { maxKeys: 10 }),
});

const asBuffer = (value: Buffer | string | null): Buffer | null => (value === null ? null : Buffer.from(value));

describe('kafkajs record encoding (patched)', () => {
  it('writes exactly the bytes upstream kafkajs writes, for any key, value and headers', () => {
    fc.assert(
      fc.property(recordInput, (input) => {
        expect(Record(input).buffer.equals(upstreamRecord(input))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes records that kafkajs decodes back to what was sent', () => {
    fc.assert(
      fc.property(recordInput, (input) => {
        const bytes = Record(input).buffer;
        const decoder = new Decoder(bytes) as { readVarInt(): number };
        expect(decoder.readVarInt()).toBe(bytes.length - sizeOfLengthPrefix(bytes));
        const record = decodeRecord(decoder, { firstOffset: '0', firstTimestamp: 1_000, magicByte: 2 });
        expect(record.key).toEqual(asBuffer(input.key));
        expect(record.value).toEqual(asBuffer(input.value));
        expect(record.offset).toBe(String(input.offsetDelta));
        expect(record.timestamp).toBe(String(1_000 + input.timestampDelta));
        const expectedHeaders = Object.fromEntries(
          Object.entries(input.headers).map(([key, value]) => [key, Array.isArray(value) ? (value.length === 1 ? Buffer.from(value[0] as Buffer | string) : value.map((item) => Buffer.from(item))) : Buffer.from(value)]),
        );
        expect(record.headers).toEqual(expectedHeaders);
      }),
      { numRuns: 500 },
    );
  });
});

/** Bytes taken by the varint length in front of a record. */
function sizeOfLengthPrefix(bytes: Buffer): number {
  let size = 1;
  while (((bytes[size - 1] as number) & 0x80) !== 0) size += 1;
  return size;
}
