/**
 * An open-model load generator for gRPC unary calls that runs in a process of its own: not beside the server
 * it measures, and not inside a bench process whose heap (datasets, indexes) and other work would pause it.
 *
 * `runGrpcLoad(spec)` starts this file as a child (`node --import tsx`), hands it the spec on stdin and reads
 * the report it prints. The child opens `channels` long-lived connections per target (HTTP/2 multiplexes the
 * calls; never a client per call) and sends each request as pre-encoded bytes with the same client for every
 * target: by default the lean node:http2 one of `grpc-http2-client.ts` (on a shared machine, a generator's CPU
 * is taken from the server it measures), or grpc-js's Client (`client: 'grpc-js'`). It warms every target up at the full rate (discarded), then runs `blocks` measured blocks per target,
 * alternating between the targets, so a subject and its baseline see the same noise of a shared machine.
 *
 * Each block is `runOpenModel`: call i is due at t0 + i/rate whatever the answers did; a 1 ms timer sends
 * whatever is due, so a send is up to about a millisecond late. Latency is kept both ways: from the actual
 * send (the server's latency at that rate, the headline) and from the intended send time (that plus the
 * generator's lateness; a stalled generator or server is charged for every call it delayed), with the
 * lateness itself beside them.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { Client, credentials, Metadata, type ChannelOptions } from '@grpc/grpc-js';
import type { Histogram } from 'hdr-histogram-js';
import { openGrpcHttp2Client } from './grpc-http2-client';
import { latencyHistogram, runOpenModel } from './open-model';

export interface GrpcLoadTarget {
  name: string;
  /** host:port */
  address: string;
  /** Full method path, e.g. `/ecogrid.registry.v1.RegistryService/LocateCell`. */
  method: string;
  /** Encoded requests, base64; call i sends requests[i % length]. */
  requests: string[];
  /** The server's pid: its CPU time per call is read from /proc. */
  serverPid?: number;
  /** Channel options of this target, over the spec's. */
  channelOptions?: ChannelOptions;
  /** Metadata sent with every call, e.g. `authorization` for a service that authenticates its callers. */
  metadata?: Record<string, string>;
}

export interface GrpcLoadSpec {
  targets: GrpcLoadTarget[];
  /** Calls per second. */
  rate: number;
  /** Unmeasured seconds at the full rate per target first (JIT, connection windows, pools). */
  warmupS: number;
  /** Measured blocks per target, alternating between targets. */
  blocks: number;
  blockS: number;
  channels: number;
  maxInFlight: number;
  deadlineMs: number;
  channelOptions?: ChannelOptions;
  /**
   * Which client sends the calls (the same one for every target): `http2` (default), the lean node:http2 client
   * of `grpc-http2-client.ts`, or `grpc-js`, its Client with identity (de)serialisers. `channelOptions` apply to
   * grpc-js only.
   */
  client?: GrpcLoadClient;
  /** Node options of the generator process; default {@link GENERATOR_NODE_OPTIONS}. */
  nodeOptions?: string[];
}

export type GrpcLoadClient = 'http2' | 'grpc-js';

/** Milliseconds. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface GrpcLoadTargetReport {
  name: string;
  offered: number;
  succeeded: number;
  failed: number;
  dropped: number;
  achievedRate: number;
  /** From the actual send to the answer. */
  fromSend: Percentiles;
  /** From the intended send time to the answer. */
  fromIntended: Percentiles;
  /** From the intended send time to the actual send. */
  sendLateness: Percentiles;
  /** p99 from the actual send of each measured block (ms), in order: the spread within one run. */
  blockP99FromSend: number[];
  /** CPU time of the server per call (µs, user + system, from /proc), over the measured blocks. */
  serverCpuUsPerCall?: number;
  /** CPU time of the generator per call (µs). */
  generatorCpuUsPerCall: number;
  /** Share of wall time during the measured blocks in which some runnable task waited for a CPU (/proc/pressure/cpu). */
  cpuPressure?: number;
  /** Garbage collections in the generator during the measured blocks, and the longest (ms). */
  generatorGc: { count: number; maxMs: number };
}

export interface GrpcLoadReport {
  /** The client that sent the calls of every target. */
  client: GrpcLoadClient;
  targets: GrpcLoadTargetReport[];
}

/**
 * Node's default young generation. A 1 MB one (`--max-semi-space-size=1`) suited grpc-js's client, whose per-call
 * objects keep each other alive across a scavenge; the http2 client keeps little alive per call, and with a small
 * young generation it only scavenged more often for the same pauses (the comparison is in the commit that chose
 * this). Pass `nodeOptions` to try another.
 */
export const GENERATOR_NODE_OPTIONS: string[] = [];

/** Runs the spec in a child process and resolves with its report. Bounded: the child is killed past its time. */
export async function runGrpcLoad(spec: GrpcLoadSpec): Promise<GrpcLoadReport> {
  const child = spawn(process.execPath, [...(spec.nodeOptions ?? GENERATOR_NODE_OPTIONS), '--import', 'tsx', __filename], {
    cwd: resolve(__dirname, '../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const budgetMs = (spec.targets.length * (spec.warmupS + spec.blocks * (spec.blockS + 12)) + 60) * 1000;
  const killer = setTimeout(() => child.kill('SIGKILL'), budgetMs);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin?.end(JSON.stringify(spec));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  clearTimeout(killer);
  const line = output.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`load generator exited with ${code}: ${output.slice(-2_000)}`);
  return JSON.parse(line) as GrpcLoadReport;
}

function percentiles(histogram: Histogram): Percentiles {
  const ms = (value: number): number => Number((value / 1000).toFixed(3));
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  };
}

/** utime + stime of a process, in µs; undefined where /proc cannot tell. */
function processCpuUs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the command; clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** Total µs in which some runnable task waited for a CPU, system-wide; undefined without PSI. */
function cpuStallUs(): number | undefined {
  try {
    const match = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

interface TargetState {
  target: GrpcLoadTarget;
  send: (index: number) => Promise<boolean>;
  close: () => void;
  latency: Histogram;
  fromSend: Histogram;
  sendLateness: Histogram;
  offered: number;
  succeeded: number;
  failed: number;
  dropped: number;
  durationMs: number;
  blockP99FromSend: number[];
  serverCpuUs: number;
  generatorCpuUs: number;
  stallUs: number;
  wallUs: number;
  gcCount: number;
  gcMaxMs: number;
}

/** The grpc-js Client with identity (de)serialisers: what a real caller of the service runs, at its CPU cost. */
async function openGrpcJs(target: GrpcLoadTarget, spec: GrpcLoadSpec): Promise<Pick<TargetState, 'send' | 'close'>> {
  const options: ChannelOptions = { 'grpc.use_local_subchannel_pool': 1, ...spec.channelOptions, ...target.channelOptions };
  const clients = Array.from({ length: spec.channels }, () => new Client(target.address, credentials.createInsecure(), options));
  await Promise.all(clients.map((client) => new Promise<void>((ready, fail) => client.waitForReady(Date.now() + 10_000, (error) => (error ? fail(error) : ready())))));
  const requests = target.requests.map((request) => Buffer.from(request, 'base64'));
  const identity = (value: Buffer): Buffer => value;
  const send = (index: number): Promise<boolean> =>
    new Promise<boolean>((done) => {
      const client = clients[index % clients.length] as Client;
      const metadata = new Metadata();
      for (const [key, value] of Object.entries(target.metadata ?? {})) metadata.set(key, value);
      client.makeUnaryRequest(target.method, identity, identity, requests[index % requests.length] as Buffer, metadata, { deadline: Date.now() + spec.deadlineMs }, (error) => done(!error));
    });
  return { send, close: () => clients.forEach((client) => client.close()) };
}

async function open(target: GrpcLoadTarget, spec: GrpcLoadSpec): Promise<TargetState> {
  let send: TargetState['send'];
  let close: TargetState['close'];
  if ((spec.client ?? 'http2') === 'grpc-js') ({ send, close } = await openGrpcJs(target, spec));
  else {
    const client = await openGrpcHttp2Client({
      address: target.address,
      method: target.method,
      requests: target.requests.map((request) => Buffer.from(request, 'base64')),
      channels: spec.channels,
      deadlineMs: spec.deadlineMs,
      ...(target.metadata ? { metadata: target.metadata } : {}),
    });
    send = client.call;
    close = client.close;
  }
  return {
    target,
    send,
    close,
    latency: latencyHistogram(),
    fromSend: latencyHistogram(),
    sendLateness: latencyHistogram(),
    offered: 0,
    succeeded: 0,
    failed: 0,
    dropped: 0,
    durationMs: 0,
    blockP99FromSend: [],
    serverCpuUs: 0,
    generatorCpuUs: 0,
    stallUs: 0,
    wallUs: 0,
    gcCount: 0,
    gcMaxMs: 0,
  };
}

async function generate(spec: GrpcLoadSpec): Promise<GrpcLoadReport> {
  const states: TargetState[] = [];
  for (const target of spec.targets) states.push(await open(target, spec));
  const model = (state: TargetState, seconds: number) => runOpenModel({ rate: spec.rate, durationS: seconds, maxInFlight: spec.maxInFlight, send: state.send, drainTimeoutMs: spec.deadlineMs + 1_000 });

  for (const state of states) await model(state, spec.warmupS);

  let gcs: number[] = [];
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => gcs.push(entry.duration)));
  observer.observe({ entryTypes: ['gc'] });
  for (let block = 0; block < spec.blocks; block++) {
    // Alternate the order too, so neither target always runs right after the other.
    const order = block % 2 === 0 ? states : [...states].reverse();
    for (const state of order) {
      gcs = [];
      const serverBefore = state.target.serverPid ? processCpuUs(state.target.serverPid) : undefined;
      const stallBefore = cpuStallUs();
      const cpuBefore = process.cpuUsage();
      const wallBefore = performance.now();
      const result = await model(state, spec.blockS);
      const cpu = process.cpuUsage(cpuBefore);
      const serverAfter = state.target.serverPid ? processCpuUs(state.target.serverPid) : undefined;
      const stallAfter = cpuStallUs();
      await new Promise((settle) => setImmediate(settle)); // let the gc observer deliver
      state.latency.add(result.latency);
      state.fromSend.add(result.fromSend);
      state.sendLateness.add(result.sendLateness);
      state.offered += result.offered;
      state.succeeded += result.succeeded;
      state.failed += result.failed;
      state.dropped += result.dropped;
      state.durationMs += result.durationMs;
      state.blockP99FromSend.push(Number((result.fromSend.getValueAtPercentile(99) / 1000).toFixed(3)));
      state.generatorCpuUs += cpu.user + cpu.system;
      state.serverCpuUs += serverBefore !== undefined && serverAfter !== undefined ? serverAfter - serverBefore : Number.NaN;
      state.stallUs += stallBefore !== undefined && stallAfter !== undefined ? stallAfter - stallBefore : Number.NaN;
      state.wallUs += (performance.now() - wallBefore) * 1000;
      state.gcCount += gcs.length;
      state.gcMaxMs = Math.max(state.gcMaxMs, ...gcs);
    }
  }
  observer.disconnect();
  for (const state of states) state.close();

  return {
    client: spec.client ?? 'http2',
    targets: states.map((state) => ({
      name: state.target.name,
      offered: state.offered,
      succeeded: state.succeeded,
      failed: state.failed,
      dropped: state.dropped,
      achievedRate: Math.round((state.succeeded / Math.max(state.durationMs, 1)) * 1000),
      fromSend: percentiles(state.fromSend),
      fromIntended: percentiles(state.latency),
      sendLateness: percentiles(state.sendLateness),
      blockP99FromSend: state.blockP99FromSend,
      ...(Number.isFinite(state.serverCpuUs) ? { serverCpuUsPerCall: Math.round(state.serverCpuUs / Math.max(state.succeeded + state.failed, 1)) } : {}),
      generatorCpuUsPerCall: Math.round(state.generatorCpuUs / Math.max(state.succeeded + state.failed, 1)),
      ...(Number.isFinite(state.stallUs) ? { cpuPressure: Number((state.stallUs / state.wallUs).toFixed(3)) } : {}),
      generatorGc: { count: state.gcCount, maxMs: Number(state.gcMaxMs.toFixed(2)) },
    })),
  };
}

if (require.main === module) {
  const spec = JSON.parse(readFileSync(0, 'utf8')) as GrpcLoadSpec;
  generate(spec).then(
    (report) => {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`load generator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
