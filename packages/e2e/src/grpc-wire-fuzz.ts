import { Client, credentials, Metadata, status, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';

/**
 * Property-based fuzzing of every method of a gRPC service at the wire: each request is protobuf bytes built
 * from random fields (numbers 1–16, every wire type, strings that break parsers, nested messages), so whatever
 * the service's request types are, the generated decoders fill their fields with values of the right type but
 * arbitrary content, and the wrong-typed rest is skipped; a share of the requests are plain random bytes. The
 * service must answer each with OK or a refusal that carries a specific `ecogrid-reason` — never INTERNAL,
 * UNKNOWN, UNAVAILABLE or a deadline, which would be the service failing rather than refusing.
 */
export interface WireFuzzOptions {
  address: string;
  definition: ServiceDefinition;
  /** Who calls: each run picks one; `undefined` calls without a token. */
  callers: ReadonlyArray<Metadata | undefined>;
  runsPerMethod: number;
  /** Methods not to call (e.g. streaming ones). */
  skip?: readonly string[];
}

export interface WireFuzzTally {
  calls: number;
  /** `Method CODE[:reason]` → count. */
  answers: Map<string, number>;
  /** What broke the rule, for the assertion message. */
  failures: string[];
}

const FAILING = new Set<number>([status.INTERNAL, status.UNKNOWN, status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);
const SPECIFIC_REASON = /^[a-z][a-z0-9_]*$/;

const NASTY = ['', ' ', '\u0000', 'a\u0000b', '%00', '../../etc/passwd', "' OR 1=1 --", '\uD800', '\uFFFF', '😀', 'ＡＢＣ', '-1', '1e309', 'NaN', 'null', '{}', 'x'.repeat(5_000)];
const SEEN = ['140802001', 'cell-yanhu-007', 'GO-YH0001', '914403001922038216', '88888880000001', 'admin', 'POINT(111 35)'];

function varint(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, value);
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return bytes;
}

type WireField = { field: number; kind: 'varint'; value: bigint } | { field: number; kind: 'bytes'; value: Uint8Array } | { field: number; kind: 'fixed32' | 'fixed64'; value: Uint8Array };

function encode(fields: readonly WireField[]): Uint8Array {
  const out: number[] = [];
  for (const item of fields) {
    const wireType = item.kind === 'varint' ? 0 : item.kind === 'fixed64' ? 1 : item.kind === 'bytes' ? 2 : 5;
    out.push(...varint(BigInt((item.field << 3) | wireType)));
    if (item.kind === 'varint') out.push(...varint(item.value));
    else if (item.kind === 'bytes') out.push(...varint(BigInt(item.value.length)), ...item.value);
    else out.push(...item.value);
  }
  return Uint8Array.from(out);
}

const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...NASTY), fc.constantFrom(...SEEN));
const utf8 = text.map((value) => new TextEncoder().encode(value));
const fieldNumber = fc.integer({ min: 1, max: 16 });
const varintValue = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 2n, 3n, -1n, 2n ** 31n - 1n, 2n ** 32n));
const doubleBytes = fc.double().map((value) => {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleLE(value);
  return Uint8Array.from(buffer);
});

const { message } = fc.letrec<{ message: Uint8Array; field: WireField }>((tie) => ({
  message: fc.array(tie('field'), { maxLength: 8 }).map((fields) => encode(fields as WireField[])),
  field: fc.oneof(
    { weight: 3, arbitrary: fc.record({ field: fieldNumber, kind: fc.constant('varint' as const), value: varintValue }) },
    { weight: 4, arbitrary: fc.record({ field: fieldNumber, kind: fc.constant('bytes' as const), value: utf8 }) },
    { weight: 2, arbitrary: fc.record({ field: fieldNumber, kind: fc.constant('bytes' as const), value: tie('message') as fc.Arbitrary<Uint8Array> }) },
    { weight: 1, arbitrary: fc.record({ field: fieldNumber, kind: fc.constant('fixed64' as const), value: doubleBytes }) },
    { weight: 1, arbitrary: fc.record({ field: fieldNumber, kind: fc.constant('fixed32' as const), value: fc.uint8Array({ minLength: 4, maxLength: 4 }) }) },
  ),
}));

/** Random protobuf messages (most requests) and random bytes (the rest). */
const requestBytes = fc.oneof({ weight: 5, arbitrary: message }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) });

export async function fuzzGrpcAtTheWire(options: WireFuzzOptions): Promise<WireFuzzTally> {
  const client = new Client(options.address, credentials.createInsecure());
  const tally: WireFuzzTally = { calls: 0, answers: new Map(), failures: [] };
  const identity = (value: Buffer): Buffer => value;
  try {
    for (const [name, method] of Object.entries(options.definition)) {
      if (options.skip?.includes(name) || method.requestStream || method.responseStream) continue;
      await fc.assert(
        fc.asyncProperty(requestBytes, fc.integer({ min: 0, max: options.callers.length - 1 }), async (bytes, who) => {
          const error = await new Promise<ServiceError | null>((resolve) =>
            client.makeUnaryRequest(method.path, identity, identity, Buffer.from(bytes), options.callers[who] ?? new Metadata(), { deadline: Date.now() + 15_000 }, (failure) => resolve(failure ?? null)),
          );
          tally.calls += 1;
          const reason = error ? String(error.metadata?.get('ecogrid-reason')[0] ?? '') : '';
          const label = `${name} ${status[error?.code ?? status.OK]}${reason ? `:${reason}` : ''}`;
          tally.answers.set(label, (tally.answers.get(label) ?? 0) + 1);
          if (error && (FAILING.has(error.code) || !SPECIFIC_REASON.test(reason))) {
            tally.failures.push(`${label} (${error.details}) for ${Buffer.from(bytes).toString('base64')}`);
          }
        }),
        { numRuns: options.runsPerMethod },
      );
    }
  } finally {
    client.close();
  }
  return tally;
}

/** `Method CODE:reason×n, …`, for the line a test prints. */
export function describeAnswers(tally: WireFuzzTally): string {
  return [...tally.answers.entries()]
    .sort()
    .map(([label, count]) => `${label}×${count}`)
    .join(', ');
}
